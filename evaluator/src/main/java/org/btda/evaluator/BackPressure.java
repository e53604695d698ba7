package org.btda.evaluator;

import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.btda.evaluator.contact.ContactEngine;

/**
 * Back-pressure by sessions in flight: while they are at {@code evaluator.max-sessions} (or requests wait, or the
 * service drains) every assigned partition is paused, so the consumer fetches no more than can be dialled; once there
 * is room again they are resumed. Consumer thread only.
 */
final class BackPressure {

    private final ContactEngine engine;
    private final int maxSessions;
    private final EvaluatorStats stats;

    BackPressure(ContactEngine engine, int maxSessions, EvaluatorStats stats) {
        this.engine = engine;
        this.maxSessions = maxSessions;
        this.stats = stats;
    }

    /** Room for one more session. */
    boolean hasRoom() {
        return engine.inFlight() < maxSessions;
    }

    /** Pauses or resumes the consumer's partitions after a round of dispatching. */
    void apply(Consumer<?, ?> consumer, boolean draining, boolean requestsWaiting) {
        boolean full = draining || !hasRoom() || requestsWaiting;
        if (full) {
            Set<TopicPartition> assigned = consumer.assignment();
            if (!consumer.paused().containsAll(assigned)) {
                consumer.pause(assigned); // pause state does not survive rebalances: re-applied every round
                stats.paused();
            }
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }
}
