package org.btda.harvester.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * Timing rules for announces and scrapes; built from the tracker.* settings by {@code HarvesterConfig.from}.
 *
 * @param defaultInterval used when a tracker gives no interval
 * @param floor {@code tracker.min-interval}: we never announce more often than this...
 * @param cap ...unless {@code tracker.interval-cap} is set lower, which wins (tests shorten opentracker's 30 min)
 * @param backoffBase first retry delay after a failure; doubles per consecutive failure
 * @param maxBackoff {@code tracker.max-backoff}
 */
public record SchedulePolicy(Duration defaultInterval, Duration floor, Optional<Duration> cap, Duration scrapeInterval,
        Duration backoffBase, Duration maxBackoff, int numWant) {
    /**
     * First retry delay after a tracker failure. Not a setting (only tracker.max-backoff is): a failing tracker is
     * retried after 15 s, 30 s, 1 min, ... which suits every tracker we have seen.
     */
    public static final Duration BACKOFF_BASE = Duration.ofSeconds(15);

    /** The wait until the next announce: the tracker's interval, at least its min interval and our floor, at most the cap. */
    public Duration announceInterval(Duration trackerInterval, Duration trackerMinInterval) {
        Duration d = trackerInterval == null ? defaultInterval : trackerInterval;
        if (trackerMinInterval != null && d.compareTo(trackerMinInterval) < 0) {
            d = trackerMinInterval;
        }
        if (d.compareTo(floor) < 0) {
            d = floor;
        }
        if (cap.isPresent() && d.compareTo(cap.get()) > 0) {
            d = cap.get();
        }
        return d;
    }

    /** Delay before retrying a tracker after {@code failures} consecutive failures (≥ 1). */
    public Duration backoff(int failures) {
        int shift = Math.min(Math.max(failures, 1) - 1, 30);
        Duration d = backoffBase.multipliedBy(1L << shift);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
