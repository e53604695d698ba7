package org.btda.evaluator;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition in-flight tracking of contact requests, so offsets are committed only past contacts whose observation
 * Kafka has acknowledged: the committable offset of a partition is the lowest offset still in flight, or the last
 * completed one + 1 when nothing is in flight. A crash therefore loses no contact (another instance redoes the
 * unacknowledged tail; at-least-once).
 *
 * <p>Records of one partition are added in offset order (the consumer delivers them that way); completions arrive in any
 * order from the producer's callback thread. All methods are synchronized: the critical sections are tiny.
 */
public final class OffsetTracker {

    private static final class Slot {
        final long offset;
        boolean done;
        Slot(long offset) { this.offset = offset; }
    }

    private static final class Partition {
        final ArrayDeque<Slot> queue = new ArrayDeque<>();
        final Map<Long, Slot> byOffset = new HashMap<>();
        long committable = -1; // next offset to commit; -1 = nothing yet
        long lastCommitted = -1;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /** Registers a consumed record as in flight. */
    public synchronized void begin(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        Slot s = new Slot(offset);
        p.queue.addLast(s);
        p.byOffset.put(offset, s);
    }

    /** Marks a record completed (its observation acknowledged). Unknown partitions (revoked meanwhile) are ignored. */
    public synchronized void complete(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p == null) return;
        Slot s = p.byOffset.remove(offset);
        if (s == null) return;
        s.done = true;
        while (!p.queue.isEmpty() && p.queue.peekFirst().done) {
            p.committable = p.queue.pollFirst().offset + 1;
        }
    }

    /** Offsets to commit now (only partitions that advanced since the last call to {@link #markCommitted}). */
    public synchronized Map<TopicPartition, Long> committable() {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (p.committable > p.lastCommitted) out.put(tp, p.committable);
        });
        return out;
    }

    public synchronized void markCommitted(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, off) -> {
            Partition p = partitions.get(tp);
            if (p != null && off > p.lastCommitted) p.lastCommitted = off;
        });
    }

    /** Committable offset of one partition, if any record of it completed. */
    public synchronized OptionalLong committable(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null || p.committable < 0 ? OptionalLong.empty() : OptionalLong.of(p.committable);
    }

    public synchronized int inFlight(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? 0 : p.byOffset.size();
    }

    /** Forgets partitions this instance no longer owns; their in-flight contacts will be redone by the new owner. */
    public synchronized void forget(Iterable<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) partitions.remove(tp);
    }

    public synchronized int totalInFlight() {
        int n = 0;
        for (Iterator<Partition> it = partitions.values().iterator(); it.hasNext(); ) n += it.next().byOffset.size();
        return n;
    }
}
