package org.btda.harvester.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;

/**
 * One announce-list tier with BEP 12 semantics: shuffled once, tried in order, and a tracker that answers moves to the
 * front. Touched only on the scheduler thread.
 */
final class Tier {
    final List<TrackerState> order;
    ScheduledFuture<?> next;
    boolean inFlight;

    Tier(List<TrackerState> trackers, Random random) {
        this.order = new ArrayList<>(trackers);
        Collections.shuffle(order, random);
    }

    /** The first tracker in order that is not backing off, or null. */
    TrackerState pick(long nowNanos) {
        for (TrackerState t : order) {
            if (t.failures == 0 || nowNanos - t.retryAtNanos >= 0) {
                return t;
            }
        }
        return null;
    }

    /** Earliest retry time among the trackers (all are backing off when this is asked). */
    long earliestRetry() {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (TrackerState t : order) {
            if (!any || t.retryAtNanos - min < 0) {
                min = t.retryAtNanos;
                any = true;
            }
        }
        return min;
    }

    void moveToFront(TrackerState t) {
        if (order.remove(t)) {
            order.add(0, t);
        }
    }
}
