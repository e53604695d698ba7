package org.btda.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.Topics;
import org.btda.streams.StreamTopics;
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

    private final Map<String, SinkTable<?>> tables = new HashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Client client;
    private final int batchSize;
    private final long flushIntervalMs;
    private volatile boolean closed;
    private Thread thread;

    // the batch: rows per table, in topic order, plus the offsets they cover
    private final Map<String, List<String>> rows = new LinkedHashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private int buffered;
    private long batchStartedAt = -1;
    private int failures;
    private long retryAt;

    private final AtomicLong rowsInserted = new AtomicLong();
    private final AtomicLong batchesCommitted = new AtomicLong();
    private final AtomicLong insertFailures = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();

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
        tables.put(StreamTopics.outPeers(topics), SinkTable.peers());
        tables.put(StreamTopics.outDiscoveries(topics), SinkTable.discoveries());
        batchSize = settings.get(Settings.CLICKHOUSE_BATCH_SIZE);
        flushIntervalMs = Math.max(1, settings.get(Settings.CLICKHOUSE_FLUSH_INTERVAL).toMillis());

        Properties p = KafkaClients.consumer(bootstrapServers, topics.prefix() + "clickhouse-sink", "clickhouse-sink");
        p.put("max.poll.records", String.valueOf(Math.min(batchSize, 5000)));
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        client = client(jdbcUrl, settings.get(Settings.CLICKHOUSE_DATABASE), user, password);
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
                .compressClientRequest(true)
                .setConnectTimeout(5, java.time.temporal.ChronoUnit.SECONDS)
                .setSocketTimeout(INSERT_TIMEOUT.toMillis())
                .build();
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
                    boolean waiting = failures > 0;
                    var records = consumer.poll(waiting ? Duration.ofMillis(100) : Duration.ofMillis(Math.min(200, flushIntervalMs)));
                    for (ConsumerRecord<String, byte[]> r : records) add(r);
                    long now = System.currentTimeMillis();
                    if (failures > 0 ? now >= retryAt : due(now)) flush();
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
            if (failures == 0 && buffered > 0) {
                try { flush(); } catch (RuntimeException e) { log.warn("final flush failed; rows will be re-read", e); }
            }
            consumer.close(Duration.ofSeconds(10));
            client.close();
        }
    }

    private void add(ConsumerRecord<String, byte[]> r) {
        SinkTable<?> t = tables.get(r.topic());
        String row = null;
        try {
            row = t.toRow(r.topic(), r.value());
        } catch (RuntimeException e) {
            // a record no schema here can read would block the partition forever; skip it, loudly
            undecodable.incrementAndGet();
            log.error("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
        if (row != null) {
            rows.computeIfAbsent(t.table(), k -> new ArrayList<>()).add(row);
            buffered++;
        }
        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        if (batchStartedAt < 0) batchStartedAt = System.currentTimeMillis();
    }

    private boolean due(long now) {
        return !offsets.isEmpty() && (buffered >= batchSize || now - batchStartedAt >= flushIntervalMs);
    }

    /** Inserts the batch, then commits; on failure keeps the batch, pauses and schedules a retry. */
    private void flush() {
        if (offsets.isEmpty()) {                 // the kept batch went away with a rebalance: start afresh
            if (failures > 0) {
                failures = 0;
                consumer.resume(consumer.paused());
            }
            return;
        }
        try {
            for (Map.Entry<String, List<String>> e : rows.entrySet()) insert(e.getKey(), e.getValue());
        } catch (Exception e) {
            failures++;
            insertFailures.incrementAndGet();
            long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16));
            retryAt = System.currentTimeMillis() + backoff;
            if (failures == 1) consumer.pause(consumer.assignment());
            log.warn("ClickHouse insert of {} rows failed ({} in a row), retrying in {} ms: {}", buffered, failures, backoff, e.toString());
            return;
        }
        rowsInserted.addAndGet(buffered);
        rows.clear();                             // in ClickHouse now: never inserted again by this instance
        buffered = 0;
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // partitions moved: committing them later could overwrite the new owner's progress, so forget those
            offsets.keySet().retainAll(consumer.assignment());
            log.warn("offset commit failed during a rebalance; keeping offsets of {} partitions still owned", offsets.size());
            return;
        } catch (KafkaException e) {
            // e.g. a timeout: the rows are stored; the offsets stay and go out with the next commit
            log.warn("offset commit failed, retrying with the next batch: {}", e.toString());
            return;
        }
        batchesCommitted.incrementAndGet();
        clear();
        if (failures > 0) {
            log.info("ClickHouse accepts inserts again after {} failed attempts", failures);
            failures = 0;
            consumer.resume(consumer.paused());
        }
    }

    private void insert(String table, List<String> lines) throws Exception {
        if (lines.isEmpty()) return;
        int size = 0;
        for (String l : lines) size += l.length();
        StringBuilder body = new StringBuilder(size);
        for (String l : lines) body.append(l);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        client.insert(table, new ByteArrayInputStream(bytes), ClickHouseFormat.JSONEachRow)
                .get(INSERT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .close();
    }

    private void clear() {
        rows.clear();
        offsets.clear();
        buffered = 0;
        batchStartedAt = -1;
    }

    /**
     * Partitions moving away: insert what we have while we still own it; if ClickHouse is down, drop the batch and
     * rewind the partitions we keep to their committed offsets, so nothing is committed for a partition we lost and
     * nothing is skipped on those we keep.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (offsets.isEmpty() || revoked.isEmpty()) return;
            if (failures == 0) flush();
            if (!offsets.isEmpty()) {
                clear();
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
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (failures > 0) consumer.pause(assigned);      // still waiting for ClickHouse: read nothing new
        }
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

    public long insertFailures() {
        return insertFailures.get();
    }

    public long undecodable() {
        return undecodable.get();
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
