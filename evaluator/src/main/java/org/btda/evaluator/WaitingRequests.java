package org.btda.evaluator;

import java.util.ArrayDeque;
import java.util.Collection;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Contact requests already fetched but not yet dialled because the sessions in flight are at the ceiling: the few
 * records one poll returns beyond it wait here while the partitions are paused. Consumer thread only.
 */
final class WaitingRequests {

    private final ArrayDeque<ConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();

    void add(ConsumerRecord<String, byte[]> r) {
        queue.add(r);
    }

    ConsumerRecord<String, byte[]> poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Shutting down: these stay uncommitted for the next owner of their partitions. */
    void clear() {
        queue.clear();
    }

    /** Requests of partitions no longer ours are the new owner's. */
    void drop(Collection<TopicPartition> partitions) {
        queue.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    }
}
