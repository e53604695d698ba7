package org.btda.evaluator;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what {@link OffsetTracker} says is safe (every event of the requests below it acknowledged) every
 * {@link #INTERVAL}, on close and for partitions being revoked. Consumer thread only, except {@link #stop}.
 */
final class OffsetCommitter {

    private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);
    static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<?, ?> consumer;
    private final OffsetTracker tracker;
    private volatile boolean enabled = true;
    private long lastCommitNanos;

    OffsetCommitter(Consumer<?, ?> consumer, OffsetTracker tracker) {
        this.consumer = consumer;
        this.tracker = tracker;
    }

    /** A simulated crash commits nothing more (any thread). */
    void stop() {
        enabled = false;
    }

    boolean enabled() {
        return enabled;
    }

    /** Commits when {@link #INTERVAL} has passed since the last commit, or now when {@code force}. */
    void commitIfDue(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastCommitNanos < INTERVAL.toNanos()) return;
        lastCommitNanos = now;
        commit(tracker.committable());
    }

    /** Before partitions go to another instance: what is done of them, so the new owner does not redo it. */
    void commitRevoked(Collection<TopicPartition> partitions) {
        if (!enabled) return;
        Map<TopicPartition, Long> offsets = tracker.committable();
        offsets.keySet().retainAll(partitions);
        commit(offsets);
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        offsets.forEach((tp, off) -> m.put(tp, new OffsetAndMetadata(off)));
        try {
            consumer.commitSync(m, TIMEOUT); // bounded: an unreachable broker must not stall dispatching
            tracker.markCommitted(offsets);
        } catch (RuntimeException e) {
            log.warn("offset commit failed (will retry): {}", e.toString());
        }
    }
}
