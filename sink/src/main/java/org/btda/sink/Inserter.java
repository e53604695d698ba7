package org.btda.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts, on their own threads: one thread per table at most, so the tables of one batch go to ClickHouse side by
 * side while the sink thread fills the next batch. Owns the ClickHouse client. The sink thread submits a batch and
 * later asks whether it is done; nothing here touches Kafka.
 */
final class Inserter implements AutoCloseable {
    static final Duration INSERT_TIMEOUT = Duration.ofSeconds(60);
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

    private final Map<String, SinkTable> byTable = new HashMap<>();
    private final Client client;
    private final ExecutorService threads;

    Inserter(SinkConfig config, Collection<SinkTable> tables) {
        for (SinkTable t : tables) byTable.put(t.table(), t);
        client = client(config.jdbcUrl(), config.database(), config.user(), config.password());
        AtomicLong n = new AtomicLong();
        threads = Executors.newFixedThreadPool(byTable.size(), r -> {
            Thread t = new Thread(r, "clickhouse-sink-insert-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param url ClickHouse URL as {@code jdbc:clickhouse://host:port/database} (or {@code http[s]://...}); the
     *            database defaults to {@code defaultDatabase}
     */
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
                .setConnectTimeout(5, ChronoUnit.SECONDS)
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

    /** Starts inserting every table of the batch on the insert threads. */
    InFlight submit(BatchBuilder.Batch batch) {
        InFlight f = new InFlight(batch);
        f.submit();
        return f;
    }

    private void insert(String table, TableBatch batch) throws Exception {
        if (batch.rows() == 0) return;
        SinkTable t = byTable.get(table);
        client.insert(table, t.columnNames(), new ByteArrayInputStream(t.nativeBody(batch.encodedRows())), ClickHouseFormat.Native,
                        INSERT_SETTINGS)
                .get(INSERT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .close();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        client.close();
    }

    /**
     * One batch handed to the insert threads: every table of it in parallel; kept whole for a retry. Its state is read
     * and changed by the sink thread only; the insert threads complete {@code done}.
     */
    final class InFlight {
        final BatchBuilder.Batch batch;
        final int rows;
        private CompletableFuture<Void> done;
        private boolean failed;
        private long startedNanos;
        private volatile long finishedNanos;

        private InFlight(BatchBuilder.Batch batch) {
            this.batch = batch;
            this.rows = batch.rows();
        }

        /** (Re)starts the inserts of every table. */
        void submit() {
            failed = false;
            startedNanos = System.nanoTime();
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (Map.Entry<String, TableBatch> e : batch.tables().entrySet()) {
                parts.add(CompletableFuture.runAsync(() -> {
                    try {
                        insert(e.getKey(), e.getValue());
                    } catch (RuntimeException x) {
                        throw x;
                    } catch (Exception x) {
                        throw new CompletionException(x);
                    }
                }, threads));
            }
            done = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .whenComplete((v, x) -> finishedNanos = System.nanoTime());
        }

        boolean isDone() {
            return done.isDone();
        }

        /** Marked by the sink when the inserts failed: waiting for a retry. */
        boolean failed() {
            return failed;
        }

        void markFailed() {
            failed = true;
        }

        /** Waits at most for the insert timeout (and a margin) for the inserts to end, however they end. */
        void await() {
            try {
                done.get(INSERT_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                // the failure is read with error()
            }
        }

        /** Wall time of the last attempt, once done. */
        long insertNanos() {
            return finishedNanos - startedNanos;
        }

        /** Why the inserts failed, or null when ClickHouse accepted every table; only once done. */
        Throwable error() {
            try {
                done.join();
                return null;
            } catch (CompletionException | CancellationException e) {
                return e.getCause() != null ? e.getCause() : e;
            }
        }
    }
}
