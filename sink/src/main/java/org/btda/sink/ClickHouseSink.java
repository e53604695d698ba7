package org.btda.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.btda.common.health.Health;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the result topics (and observations, harvest requests, torrents) into ClickHouse.
 *
 * <p>At-least-once with idempotent rows: records are read with read_committed, collected into a batch and inserted
 * per table; offsets are committed only after ClickHouse accepted every table's insert. When an insert fails the
 * batch is kept, consumption is paused and the insert retried with exponential backoff (capped), so nothing is
 * lost or skipped while ClickHouse is down. A batch inserted twice folds away: each table is a ReplacingMergeTree
 * keyed on the row's natural key. One consumer; run several instances with the same group to scale.
 *
 * <p>By thread: this class is the consumer loop on the {@code clickhouse-sink} thread (poll, commit, pause and resume,
 * rebalance); {@link BatchBuilder} fills the next batch on the same thread; {@link Inserter} inserts the previous one on
 * its own threads meanwhile.
 */
public final class ClickHouseSink implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    /** Loop errors in a row (one a second) after which the loop gives up: an error on every round is not transient. */
    static final int MAX_LOOP_ERRORS_IN_A_ROW = 60;

    private final Map<String, SinkTable> tables = new LinkedHashMap<>();    // by topic
    private final KafkaConsumer<Void, byte[]> consumer;
    private final BatchBuilder batch;
    private final Inserter inserter;
    private final long flushIntervalMs;
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile Throwable loopFailure;
    /** Called on the sink thread with the offsets of each commit, after ClickHouse accepted their rows (tests). */
    private volatile Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommit = m -> { };

    // at most one batch is being inserted while the next one is filled; its offsets are committed once it is accepted,
    // so commits go out in batch order and never cover a row ClickHouse has not accepted
    private Inserter.InFlight inFlight;
    // offsets of accepted batches whose commit failed (e.g. a timeout): they go out with the next commit
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long uncommittedRecords;
    private volatile int failures;    // written by the sink thread only; read by health()
    private long retryAt;

    private final AtomicLong rowsInserted = new AtomicLong();
    private final AtomicLong batchesCommitted = new AtomicLong();
    private final AtomicLong recordsCommitted = new AtomicLong();
    private final AtomicLong insertFailures = new AtomicLong();
    // where the time goes (nanoseconds), for benchmarks and diagnosis
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong rowNanos = new AtomicLong();
    private final AtomicLong insertNanos = new AtomicLong();
    private final AtomicLong waitNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();

    public ClickHouseSink(SinkConfig config) {
        Topics topics = config.topics();
        tables.put(topics.torrents(), SinkTable.torrents());
        tables.put(topics.observations(), SinkTable.observations());
        tables.put(topics.harvestRequests(), SinkTable.harvestRequests());
        tables.put(topics.confirmedDownloads(), SinkTable.confirmedDownloads());
        tables.put(topics.fileDownloads(), SinkTable.fileDownloads());
        tables.put(topics.outPeers(), SinkTable.peers());
        tables.put(topics.outDiscoveries(), SinkTable.discoveries());
        tables.put(topics.evaluatorStats(), SinkTable.evaluatorStats());
        int batchSize = config.batchSize();
        flushIntervalMs = Math.max(1, config.flushInterval().toMillis());
        batch = new BatchBuilder(tables, batchSize, flushIntervalMs);

        Properties p = KafkaClients.consumer(config.bootstrapServers(), topics.prefix() + "clickhouse-sink", "clickhouse-sink");
        // one poll may fill a whole batch; fetches large enough that a poll is not a round trip per few hundred rows
        p.put("max.poll.records", String.valueOf(Math.min(batchSize, 20_000)));
        p.put("fetch.max.bytes", String.valueOf(64 << 20));
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        consumer = new KafkaConsumer<>(p, new IgnoredKey(), new ByteArrayDeserializer());
        inserter = new Inserter(config, tables.values());
    }

    /**
     * Checks that every column the sink writes exists in ClickHouse with the type its encoding assumes.
     *
     * @throws IllegalStateException naming the first mismatch
     */
    void checkColumns() {
        inserter.checkColumns();
    }

    /** Starts the sink on its own thread. */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("already started");
        thread = new Thread(this, "clickhouse-sink");
        thread.start();
    }

    /**
     * Ready while the loop runs and ClickHouse accepts inserts; dead once the loop ended without {@link #close()} (no row
     * would reach ClickHouse any more): the launcher then exits non-zero instead of idling.
     */
    public Health health() {
        Thread t = thread;
        if (t == null) return Health.notReady("not started");
        if (closed) return Health.notReady("stopping");
        if (!t.isAlive()) return Health.dead("consumer loop ended" + (loopFailure == null ? "" : ": " + loopFailure));
        int f = failures;
        if (f > 0) return Health.notReady("ClickHouse inserts failing (" + f + " in a row), retrying");
        return Health.up();
    }

    @Override
    public void run() {
        int loopErrors = 0;
        try {
            consumer.subscribe(tables.keySet(), new Rebalance());
            while (!closed) {
                try {
                    long wait = failures > 0 || inFlight != null ? 20 : Math.min(200, flushIntervalMs);
                    long t0 = System.nanoTime();
                    var records = consumer.poll(Duration.ofMillis(wait));
                    long t1 = System.nanoTime();
                    for (ConsumerRecord<Void, byte[]> r : records) batch.add(r);
                    pollNanos.addAndGet(t1 - t0);
                    rowNanos.addAndGet(System.nanoTime() - t1);
                    step(System.currentTimeMillis());
                    loopErrors = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // one error must not end the loop (the batch and offsets are still consistent), but an error on every
                    // round means the sink can no longer work: then the loop ends and health() reports it dead
                    if (++loopErrors >= MAX_LOOP_ERRORS_IN_A_ROW) throw e;
                    log.error("sink loop error, continuing", e);
                    sleepQuietly(1000);
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                loopFailure = e;
                throw e;
            }
        } catch (RuntimeException | Error e) {
            loopFailure = e;
            log.error("sink loop ended", e);
            throw e;
        } finally {
            try {
                if (inFlight != null && !inFlight.failed()) awaitInFlight();
                if (failures == 0 && inFlight == null && !batch.isEmpty()) flushNow();
            } catch (RuntimeException e) {
                log.warn("final flush failed; rows will be re-read", e);
            }
            inserter.close();
            consumer.close(Duration.ofSeconds(10));
        }
    }

    /** Completes the in-flight batch if it is done, retries it when due, and starts the next batch when due. */
    private void step(long now) {
        if (inFlight != null && !inFlight.failed() && inFlight.isDone()) complete(inFlight);
        if (inFlight != null && inFlight.failed() && now >= retryAt) inFlight.submit();
        if (inFlight == null) {
            if (failures > 0) {
                if (batch.isEmpty() && now >= retryAt) recovered();     // the kept batch went away with a rebalance
            } else if (batch.due(now)) {
                submitCurrent();
            }
        }
    }

    /** Hands the filled batch to the inserters and starts a new one. */
    private void submitCurrent() {
        inFlight = inserter.submit(batch.take());
    }

    /** The in-flight batch finished: commit its offsets, or keep it, pause and schedule a retry. */
    private void complete(Inserter.InFlight b) {
        Throwable error = b.error();
        if (error != null) {
            b.markFailed();
            failures++;
            insertFailures.incrementAndGet();
            long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16));
            retryAt = System.currentTimeMillis() + backoff;
            if (failures == 1) consumer.pause(consumer.assignment());
            log.warn("ClickHouse insert of {} rows failed ({} in a row), retrying in {} ms: {}", b.rows, failures, backoff, error.toString());
            return;
        }
        inFlight = null;
        insertNanos.addAndGet(b.insertNanos());
        rowsInserted.addAndGet(b.rows);          // in ClickHouse now: never inserted again by this instance
        commit(b.batch);
        if (failures > 0) recovered();
    }

    private void recovered() {
        log.info("ClickHouse accepts inserts again after {} failed attempts", failures);
        failures = 0;
        consumer.resume(consumer.paused());
    }

    private void commit(BatchBuilder.Batch b) {
        long t0 = System.nanoTime();
        uncommitted.putAll(b.offsets());          // later batches carry later offsets: newer wins per partition
        uncommittedRecords += b.records();
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>(uncommitted);
        try {
            consumer.commitSync(toCommit);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // partitions moved: committing them later could overwrite the new owner's progress, so forget those
            uncommitted.keySet().retainAll(consumer.assignment());
            log.warn("offset commit failed during a rebalance; keeping offsets of {} partitions still owned", uncommitted.size());
            return;
        } catch (KafkaException e) {
            // e.g. a timeout: the rows are stored; the offsets stay and go out with the next commit
            log.warn("offset commit failed, retrying with the next batch: {}", e.toString());
            return;
        } finally {
            commitNanos.addAndGet(System.nanoTime() - t0);
        }
        uncommitted.clear();
        batchesCommitted.incrementAndGet();
        recordsCommitted.addAndGet(uncommittedRecords);
        uncommittedRecords = 0;
        onCommit.accept(toCommit);
    }

    /** Waits for the in-flight batch and completes it (rebalance, close). */
    private void awaitInFlight() {
        long t0 = System.nanoTime();
        inFlight.await();
        waitNanos.addAndGet(System.nanoTime() - t0);
        if (inFlight.isDone()) complete(inFlight);
    }

    /** Inserts the current batch and waits for it (rebalance, close). */
    private void flushNow() {
        submitCurrent();
        awaitInFlight();
    }

    /**
     * Partitions moving away: insert what we have while we still own it; if ClickHouse is down, drop the batches and
     * rewind the partitions we keep to their committed offsets, so nothing is committed for a partition we lost and
     * nothing is skipped on those we keep.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty() || (inFlight == null && batch.isEmpty())) return;
            if (inFlight != null && !inFlight.failed()) awaitInFlight();
            if (inFlight == null && failures == 0 && !batch.isEmpty()) flushNow();
            if (inFlight != null || !batch.isEmpty()) {
                inFlight = null;
                batch.clear();
                Set<TopicPartition> keep = new HashSet<>(consumer.assignment());
                keep.removeAll(revoked);
                if (!keep.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(keep);
                    for (TopicPartition tp : keep) {
                        OffsetAndMetadata c = committed.get(tp);
                        if (c != null) consumer.seek(tp, c.offset());
                        else consumer.seekToBeginning(List.of(tp));
                    }
                }
            }
            uncommitted.keySet().removeAll(revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (failures > 0) consumer.pause(assigned);      // still waiting for ClickHouse: read nothing new
        }
    }

    /** Record keys are not needed (rows carry their key columns): not even copied out of the fetched batch. */
    private static final class IgnoredKey implements org.apache.kafka.common.serialization.Deserializer<Void> {
        @Override
        public Void deserialize(String topic, byte[] data) {
            return null;
        }

        @Override
        public Void deserialize(String topic, org.apache.kafka.common.header.Headers headers, java.nio.ByteBuffer data) {
            return null;
        }
    }

    /** For tests: observes every successful offset commit on the sink thread. */
    void onCommit(Consumer<Map<TopicPartition, OffsetAndMetadata>> observer) {
        this.onCommit = observer;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rows accepted by ClickHouse (a row inserted again after an unclear failure counts twice). */
    public long rowsInserted() {
        return rowsInserted.get();
    }

    public long batchesCommitted() {
        return batchesCommitted.get();
    }

    /** Input records whose offsets were committed after their rows were accepted. */
    public long recordsCommitted() {
        return recordsCommitted.get();
    }

    public long insertFailures() {
        return insertFailures.get();
    }

    public long undecodable() {
        return batch.undecodable();
    }

    /** Time so far, in ms: sink-thread poll, decode + row building, commit; insert = wall time of batch inserts (on other threads). */
    public String timings() {
        return String.format("poll %d ms, rows %d ms, insert %d ms (in parallel with polling; blocked waiting %d ms), commit %d ms",
                pollNanos.get() / 1_000_000, rowNanos.get() / 1_000_000, insertNanos.get() / 1_000_000, waitNanos.get() / 1_000_000,
                commitNanos.get() / 1_000_000);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(10));
            inserter.close();
        }
    }
}
