package org.btda.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import com.clickhouse.client.api.insert.InsertSettings;
import java.util.concurrent.atomic.AtomicLong;
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
import org.btda.common.config.Settings;
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
 * keyed on the row's natural key. One thread, one consumer; run several instances with the same group to scale.
 */
public final class ClickHouseSink implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration INSERT_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Synchronous inserts: our batches are already large, and a server-side async insert (chdb turns it on by
     * default) would add its buffer flush delay to every batch before the insert returns. No optimize_on_insert: the
     * ReplacingMergeTree de-duplication of each inserted block costs the server ~1 µs a row (a fifth of a Native
     * insert) and buys nothing here — the batch already holds one row per key of the versioned tables (TableBatch),
     * rows with equal keys in different inserts are folded by merges anyway, and every reader that must not see a
     * duplicate reads with FINAL.
     */
    private static final InsertSettings INSERT_SETTINGS = new InsertSettings()
            .serverSetting("async_insert", "0").serverSetting("wait_for_async_insert", "1")
            .serverSetting("optimize_on_insert", "0");

    private final Map<String, SinkTable> tables = new HashMap<>();          // by topic
    private final Map<String, SinkTable> byTable = new HashMap<>();         // by table name
    private final KafkaConsumer<Void, byte[]> consumer;
    private final Client client;
    private final ExecutorService inserters;
    private final int batchSize;
    private final long flushIntervalMs;
    private volatile boolean closed;
    private Thread thread;
    /** Called on the sink thread with the offsets of each commit, after ClickHouse accepted their rows (tests). */
    private volatile Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommit = m -> { };

    // the batch being filled: rows per table, in topic order, plus the offsets they cover
    private Map<String, TableBatch> rows = new LinkedHashMap<>();
    private Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private long batchRecords;                    // input records the batch covers (rows + skipped)
    private long batchStartedAt = -1;
    // at most one batch is being inserted while the next one is filled; its offsets are committed once it is accepted,
    // so commits go out in batch order and never cover a row ClickHouse has not accepted
    private InFlight inFlight;
    // offsets of accepted batches whose commit failed (e.g. a timeout): they go out with the next commit
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long uncommittedRecords;
    private int failures;
    private long retryAt;

    private final AtomicLong rowsInserted = new AtomicLong();
    private final AtomicLong batchesCommitted = new AtomicLong();
    private final AtomicLong recordsCommitted = new AtomicLong();
    private final AtomicLong insertFailures = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    // where the time goes (nanoseconds), for benchmarks and diagnosis
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong rowNanos = new AtomicLong();
    private final AtomicLong insertNanos = new AtomicLong();
    private final AtomicLong waitNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();

    /**
     * @param jdbcUrl ClickHouse URL as {@code jdbc:clickhouse://host:port/database} (or {@code http[s]://...}); the
     *                database defaults to {@code clickhouse.database}
     */
    public ClickHouseSink(Settings settings, String bootstrapServers, String jdbcUrl, String user, String password) {
        Topics topics = new Topics(settings);
        tables.put(topics.torrents(), SinkTable.torrents());
        tables.put(topics.observations(), SinkTable.observations());
        tables.put(topics.harvestRequests(), SinkTable.harvestRequests());
        tables.put(topics.confirmedDownloads(), SinkTable.confirmedDownloads());
        tables.put(topics.outPeers(), SinkTable.peers());
        tables.put(topics.outDiscoveries(), SinkTable.discoveries());
        tables.put(topics.evaluatorStats(), SinkTable.evaluatorStats());
        for (SinkTable t : tables.values()) byTable.put(t.table(), t);
        batchSize = settings.get(Settings.CLICKHOUSE_BATCH_SIZE);
        flushIntervalMs = Math.max(1, settings.get(Settings.CLICKHOUSE_FLUSH_INTERVAL).toMillis());

        Properties p = KafkaClients.consumer(bootstrapServers, topics.prefix() + "clickhouse-sink", "clickhouse-sink");
        // one poll may fill a whole batch; fetches large enough that a poll is not a round trip per few hundred rows
        p.put("max.poll.records", String.valueOf(Math.min(batchSize, 20_000)));
        p.put("fetch.max.bytes", String.valueOf(64 << 20));
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        consumer = new KafkaConsumer<>(p, new IgnoredKey(), new ByteArrayDeserializer());
        client = client(jdbcUrl, settings.get(Settings.CLICKHOUSE_DATABASE), user, password);
        // one thread per table at most: the tables of one batch are inserted side by side
        AtomicLong n = new AtomicLong();
        inserters = Executors.newFixedThreadPool(tables.size(), r -> {
            Thread t = new Thread(r, "clickhouse-sink-insert-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static Client client(String url, String defaultDatabase, String user, String password) {
        String u = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        if (u.startsWith("clickhouse:")) u = u.substring("clickhouse:".length());
        if (u.startsWith("//")) u = "http:" + u;
        URI uri = URI.create(u);
        if (uri.getHost() == null || uri.getPort() < 0) throw new IllegalArgumentException("ClickHouse URL needs host and port: " + url);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        String database = path.isEmpty() ? defaultDatabase : path;
        return new Client.Builder()
                .addEndpoint(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort() + "/")
                .setUsername(user == null || user.isEmpty() ? "default" : user)
                .setPassword(password == null ? "" : password)
                .setDefaultDatabase(database)
                // compressing costs both processes CPU and saves nothing on loopback
                .compressClientRequest(!isLoopback(uri.getHost()))
                .setConnectTimeout(5, java.time.temporal.ChronoUnit.SECONDS)
                .setSocketTimeout(INSERT_TIMEOUT.toMillis())
                .build();
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * Checks that every column the sink writes exists in ClickHouse with the type its RowBinary encoding assumes: a
     * type changed by a later migration would otherwise shift every following value of the row. Columns the sink does
     * not write (added later with a default) are fine.
     *
     * @throws IllegalStateException naming the first mismatch
     */
    void checkColumns() {
        Map<String, Map<String, String>> actual = new HashMap<>();
        var rows = client.queryAll("SELECT table, name, type FROM system.columns WHERE database = {db:String}",
                Map.of("db", client.getDefaultDatabase()));
        for (var r : rows) actual.computeIfAbsent(r.getString("table"), k -> new HashMap<>()).put(r.getString("name"), r.getString("type"));
        for (SinkTable t : byTable.values()) {
            Map<String, String> columns = actual.getOrDefault(t.table(), Map.of());
            for (SinkTable.Column c : t.columns()) {
                String type = columns.get(c.name());
                if (!c.type().equals(type)) {
                    throw new IllegalStateException("ClickHouse column " + client.getDefaultDatabase() + "." + t.table() + "." + c.name() + " is "
                            + (type == null ? "missing" : type) + "; the sink writes " + c.type());
                }
            }
        }
    }

    /** Starts the sink on its own thread. */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("already started");
        thread = new Thread(this, "clickhouse-sink");
        thread.start();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(tables.keySet(), new Rebalance());
            while (!closed) {
                try {
                    long wait = failures > 0 || inFlight != null ? 20 : Math.min(200, flushIntervalMs);
                    long t0 = System.nanoTime();
                    var records = consumer.poll(Duration.ofMillis(wait));
                    long t1 = System.nanoTime();
                    for (ConsumerRecord<Void, byte[]> r : records) add(r);
                    pollNanos.addAndGet(t1 - t0);
                    rowNanos.addAndGet(System.nanoTime() - t1);
                    step(System.currentTimeMillis());
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // a dead sink thread would silently stop all inserts; the batch and offsets are still consistent
                    log.error("sink loop error, continuing", e);
                    sleepQuietly(1000);
                }
            }
        } catch (WakeupException e) {
            if (!closed) throw e;
        } finally {
            try {
                if (inFlight != null && !inFlight.failed) awaitInFlight();
                if (failures == 0 && inFlight == null && !offsets.isEmpty()) flushNow();
            } catch (RuntimeException e) {
                log.warn("final flush failed; rows will be re-read", e);
            }
            inserters.shutdownNow();
            consumer.close(Duration.ofSeconds(10));
            client.close();
        }
    }

    /** Completes the in-flight batch if it is done, retries it when due, and starts the next batch when due. */
    private void step(long now) {
        if (inFlight != null && !inFlight.failed && inFlight.done.isDone()) complete(inFlight);
        if (inFlight != null && inFlight.failed && now >= retryAt) inFlight.submit();
        if (inFlight == null) {
            if (failures > 0) {
                if (offsets.isEmpty() && now >= retryAt) recovered();     // the kept batch went away with a rebalance
            } else if (due(now)) {
                submitCurrent();
            }
        }
    }

    private void add(ConsumerRecord<Void, byte[]> r) {
        SinkTable t = tables.get(r.topic());
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
        batchRecords++;
        if (batchStartedAt < 0) batchStartedAt = System.currentTimeMillis();
    }

    /**
     * A batch is due after the flush interval, or once one table has {@code clickhouse.batch-size} rows (rows per
     * insert; counted per table, not over all tables: every insert makes a part the server later merges, so at a
     * given rate fewer, larger inserts cost it less CPU).
     */
    private boolean due(long now) {
        if (offsets.isEmpty()) return false;
        if (now - batchStartedAt >= flushIntervalMs) return true;
        for (TableBatch b : rows.values()) if (b.received() >= batchSize) return true;
        return false;
    }

    /** Hands the filled batch to the inserters and starts a new one. */
    private void submitCurrent() {
        inFlight = new InFlight(rows, offsets, batchRecords);
        rows = new LinkedHashMap<>();
        offsets = new HashMap<>();
        batchRecords = 0;
        batchStartedAt = -1;
        inFlight.submit();
    }

    /** The in-flight batch finished: commit its offsets, or keep it, pause and schedule a retry. */
    private void complete(InFlight b) {
        Throwable error = b.error();
        if (error != null) {
            b.failed = true;
            failures++;
            insertFailures.incrementAndGet();
            long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16));
            retryAt = System.currentTimeMillis() + backoff;
            if (failures == 1) consumer.pause(consumer.assignment());
            log.warn("ClickHouse insert of {} rows failed ({} in a row), retrying in {} ms: {}", b.rows, failures, backoff, error.toString());
            return;
        }
        inFlight = null;
        insertNanos.addAndGet(b.finishedNanos - b.startedNanos);
        rowsInserted.addAndGet(b.rows);          // in ClickHouse now: never inserted again by this instance
        commit(b);
        if (failures > 0) recovered();
    }

    private void recovered() {
        log.info("ClickHouse accepts inserts again after {} failed attempts", failures);
        failures = 0;
        consumer.resume(consumer.paused());
    }

    private void commit(InFlight b) {
        long t0 = System.nanoTime();
        uncommitted.putAll(b.offsets);            // later batches carry later offsets: newer wins per partition
        uncommittedRecords += b.records;
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
        try {
            inFlight.done.get(INSERT_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.CancellationException e) {
            // the failure is read from the batch below
        }
        waitNanos.addAndGet(System.nanoTime() - t0);
        if (inFlight.done.isDone()) complete(inFlight);
    }

    /** Inserts the current batch and waits for it (rebalance, close). */
    private void flushNow() {
        submitCurrent();
        awaitInFlight();
    }

    private void insert(String table, TableBatch batch) throws Exception {
        if (batch.rows() == 0) return;
        SinkTable t = byTable.get(table);
        client.insert(table, t.columnNames(), new ByteArrayInputStream(t.nativeBody(batch.encodedRows())), ClickHouseFormat.Native,
                        INSERT_SETTINGS)
                .get(INSERT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .close();
    }

    private void clearCurrent() {
        rows = new LinkedHashMap<>();
        offsets = new HashMap<>();
        batchRecords = 0;
        batchStartedAt = -1;
    }

    /** One batch handed to the inserters: every table of it in parallel; kept whole for a retry. */
    private final class InFlight {
        final Map<String, TableBatch> tables;
        final Map<TopicPartition, OffsetAndMetadata> offsets;
        final long records;
        final int rows;
        CompletableFuture<Void> done;
        boolean failed;
        long startedNanos;
        volatile long finishedNanos;

        InFlight(Map<String, TableBatch> tables, Map<TopicPartition, OffsetAndMetadata> offsets, long records) {
            this.tables = tables;
            this.offsets = offsets;
            this.records = records;
            int r = 0;
            for (TableBatch b : tables.values()) r += b.rows();
            this.rows = r;
        }

        void submit() {
            failed = false;
            startedNanos = System.nanoTime();
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (Map.Entry<String, TableBatch> e : tables.entrySet()) {
                parts.add(CompletableFuture.runAsync(() -> {
                    try {
                        insert(e.getKey(), e.getValue());
                    } catch (RuntimeException x) {
                        throw x;
                    } catch (Exception x) {
                        throw new CompletionException(x);
                    }
                }, inserters));
            }
            done = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .whenComplete((v, x) -> finishedNanos = System.nanoTime());
        }

        Throwable error() {
            try {
                done.join();
                return null;
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                return e.getCause() != null ? e.getCause() : e;
            }
        }
    }

    /**
     * Partitions moving away: insert what we have while we still own it; if ClickHouse is down, drop the batches and
     * rewind the partitions we keep to their committed offsets, so nothing is committed for a partition we lost and
     * nothing is skipped on those we keep.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty() || (inFlight == null && offsets.isEmpty())) return;
            if (inFlight != null && !inFlight.failed) awaitInFlight();
            if (inFlight == null && failures == 0 && !offsets.isEmpty()) flushNow();
            if (inFlight != null || !offsets.isEmpty()) {
                inFlight = null;
                clearCurrent();
                var keep = new java.util.HashSet<>(consumer.assignment());
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
        return undecodable.get();
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
            client.close();
        }
    }
}
