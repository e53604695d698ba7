package org.btda.sink;

import java.sql.SQLException;
import org.btda.sink.clickhouse.ClickHouseMigrations;

/** Applies the ClickHouse migrations, then runs the {@link ClickHouseSink} on its own thread. */
public final class ClickHouseSinkService implements AutoCloseable {
    private final SinkConfig config;
    private ClickHouseSink sink;

    public ClickHouseSinkService(SinkConfig config) {
        this.config = config;
    }

    /**
     * @throws SQLException when ClickHouse is unreachable, a migration fails or a table's columns are not what the sink
     *     writes: the sink does not start
     */
    public synchronized void start() throws SQLException {
        if (sink != null) throw new IllegalStateException("already started");
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
    }

    /** The running sink (counters), or null before {@link #start()}. */
    public synchronized ClickHouseSink sink() {
        return sink;
    }

    @Override
    public synchronized void close() {
        if (sink != null) sink.close();
    }
}
