package org.btda.harvester.schedule;

import java.time.Duration;
import java.util.Optional;
import org.btda.common.config.Settings;

/**
 * Timing rules for announces and scrapes.
 *
 * @param defaultInterval used when a tracker gives no interval
 * @param floor {@code tracker.min-interval}: we never announce more often than this...
 * @param cap ...unless {@code tracker.interval-cap} is set lower, which wins (tests shorten opentracker's 30 min)
 * @param backoffBase first retry delay after a failure; doubles per consecutive failure
 * @param maxBackoff {@code tracker.max-backoff}
 */
public record SchedulePolicy(Duration defaultInterval, Duration floor, Optional<Duration> cap, Duration scrapeInterval,
        Duration backoffBase, Duration maxBackoff, int numWant) {
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(15);

    public static SchedulePolicy from(Settings s) {
        return new SchedulePolicy(s.get(Settings.TRACKER_INTERVAL), s.get(Settings.TRACKER_MIN_INTERVAL),
                s.get(Settings.TRACKER_INTERVAL_CAP), s.get(Settings.TRACKER_SCRAPE_INTERVAL), DEFAULT_BACKOFF_BASE,
                s.get(Settings.TRACKER_MAX_BACKOFF), s.get(Settings.TRACKER_NUMWANT));
    }

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
