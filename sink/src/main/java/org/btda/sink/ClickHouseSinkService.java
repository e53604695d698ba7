package org.btda.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.btda.common.health.Health;
import org.btda.sink.clickhouse.ClickHouseConnections;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits (bounded by {@code startup.wait}) for ClickHouse to answer, applies the migrations, then runs the
 * {@link ClickHouseSink} on its own thread.
 */
public final class ClickHouseSinkService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkService.class);
    private static final long FIRST_RETRY_MS = 250;
    private static final long MAX_RETRY_MS = 5_000;

    private final SinkConfig config;
    private ClickHouseSink sink;
    private volatile ClickHouseSink running;
    private volatile String waiting = "not started";
    private volatile int failedAttempts;

    public ClickHouseSinkService(SinkConfig config) {
        this.config = config;
    }

    /**
     * @throws SQLException when ClickHouse does not answer within {@code startup.wait}, a migration fails or a table's
     *     columns are not what the sink writes: the sink does not start
     */
    public synchronized void start() throws SQLException {
        if (sink != null) throw new IllegalStateException("already started");
        awaitClickHouse();
        ClickHouseMigrations.apply(config.jdbcUrl(), config.user(), config.password(), config.migrationParams());
        ClickHouseSink s = new ClickHouseSink(config);
        try {
            s.checkColumns();
        } catch (RuntimeException e) {
            s.close();
            throw new SQLException("ClickHouse tables do not match the sink: " + e.getMessage(), e);
        }
        sink = s;
        sink.start();
        running = s;
    }

    /**
     * Asks ClickHouse {@code SELECT 1} until it answers, with doubling pauses, for at most {@code startup.wait}: in a
     * stack started all at once ClickHouse may come up after this service; a failure after the bound ends the start, so
     * the process exits non-zero and its restart policy tries again.
     */
    private void awaitClickHouse() throws SQLException {
        long t0 = System.nanoTime();
        long deadline = t0 + config.startupWait().toNanos();
        String url = ClickHouseConnections.withDatabase(config.jdbcUrl(), "default");
        long pause = FIRST_RETRY_MS;
        while (true) {
            try (Connection c = ClickHouseConnections.open(url, config.user(), config.password());
                 Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                if (failedAttempts > 0) {
                    LOG.info("ClickHouse at {} answers after {} ms", config.jdbcUrl(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
                waiting = "applying migrations";
                return;
            } catch (SQLException | RuntimeException e) {
                int attempt = ++failedAttempts;
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SQLException("ClickHouse at " + config.jdbcUrl() + " did not answer within startup.wait "
                            + config.startupWait() + " (" + attempt + " attempts): " + e.getMessage(), e);
                }
                waiting = "waiting for ClickHouse at " + config.jdbcUrl() + " (attempt " + attempt + " failed: " + e.getMessage() + ")";
                LOG.warn("ClickHouse at {} not answering (attempt {}): {}; retrying in {} ms, {} ms of startup.wait left",
                        config.jdbcUrl(), attempt, e.getMessage(), Math.min(pause, left), left);
                sleep(Math.min(pause, left));
                pause = Math.min(MAX_RETRY_MS, pause * 2);
            }
        }
    }

    private static void sleep(long ms) throws SQLException {
        try {
            Thread.sleep(ms); // a pause between attempts while waiting for ClickHouse, bounded by startup.wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for ClickHouse", e);
        }
    }

    /** Not ready while waiting for ClickHouse or migrating; afterwards the running sink's {@link ClickHouseSink#health()}. */
    public Health health() {
        ClickHouseSink s = running;
        return s == null ? Health.notReady(waiting) : s.health();
    }

    /** Connection attempts to ClickHouse at start that failed so far (tests, to act once the service is waiting). */
    int failedAttempts() {
        return failedAttempts;
    }

    /** The running sink (counters), or null before {@link #start()}. */
    public ClickHouseSink sink() {
        return running;
    }

    @Override
    public synchronized void close() {
        if (sink != null) sink.close();
    }
}
