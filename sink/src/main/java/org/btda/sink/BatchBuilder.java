package org.btda.sink;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch building, on the sink thread: each record's Avro bytes become a row of its topic's table ({@link SinkTable}),
 * folded to the newest version per key ({@link TableBatch}), together with the offsets the batch covers. Turning the
 * rows into Native blocks is left to the insert threads ({@link Inserter}), so this thread only decodes and polls.
 * Not thread-safe.
 */
final class BatchBuilder {
    private static final Logger log = LoggerFactory.getLogger(BatchBuilder.class);

    private final Map<String, SinkTable> byTopic;
    private final int batchSize;
    private final long flushIntervalMs;
    private final AtomicLong undecodable = new AtomicLong();

    private Map<String, TableBatch> rows = new LinkedHashMap<>();     // by table, in topic order
    private Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private long records;                          // input records the batch covers (rows + skipped)
    private long startedAt = -1;

    /** A filled batch: rows per table and the offsets to commit once ClickHouse accepted all of them. */
    record Batch(Map<String, TableBatch> tables, Map<TopicPartition, OffsetAndMetadata> offsets, long records) {
        /** Rows to insert, over all tables (after folding versions). */
        int rows() {
            int r = 0;
            for (TableBatch b : tables.values()) r += b.rows();
            return r;
        }
    }

    /**
     * @param byTopic         the table each topic goes to
     * @param batchSize       rows of one table after which the batch is due
     * @param flushIntervalMs time after its first record after which the batch is due
     */
    BatchBuilder(Map<String, SinkTable> byTopic, int batchSize, long flushIntervalMs) {
        this.byTopic = Map.copyOf(byTopic);
        this.batchSize = batchSize;
        this.flushIntervalMs = flushIntervalMs;
    }

    void add(ConsumerRecord<Void, byte[]> r) {
        SinkTable t = byTopic.get(r.topic());
        SinkTable.SinkRow row = null;
        try {
            row = t.toRow(r.topic(), r.value());
        } catch (RuntimeException e) {
            // a record no schema here can read would block the partition forever; skip it, loudly
            undecodable.incrementAndGet();
            log.error("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
        if (row != null) rows.computeIfAbsent(t.table(), k -> new TableBatch()).add(row);
        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        records++;
        if (startedAt < 0) startedAt = System.currentTimeMillis();
    }

    /** No record since the last {@link #take()} or {@link #clear()}. */
    boolean isEmpty() {
        return offsets.isEmpty();
    }

    /**
     * A batch is due after the flush interval, or once one table has {@code clickhouse.batch-size} rows (rows per
     * insert; counted per table, not over all tables: every insert makes a part the server later merges, so at a
     * given rate fewer, larger inserts cost it less CPU).
     */
    boolean due(long now) {
        if (offsets.isEmpty()) return false;
        if (now - startedAt >= flushIntervalMs) return true;
        for (TableBatch b : rows.values()) if (b.received() >= batchSize) return true;
        return false;
    }

    /** The batch filled so far; a new one starts. */
    Batch take() {
        Batch b = new Batch(rows, offsets, records);
        clear();
        return b;
    }

    /** Drops the batch filled so far (its partitions are rewound or gone). */
    void clear() {
        rows = new LinkedHashMap<>();
        offsets = new HashMap<>();
        records = 0;
        startedAt = -1;
    }

    /** Records skipped because no schema could read them. */
    long undecodable() {
        return undecodable.get();
    }
}
