package org.btda.sink;

import java.sql.SQLException;
import java.util.Map;
import org.btda.common.config.Settings;
import org.btda.sink.clickhouse.ClickHouseMigrations;

/** Applies the ClickHouse migrations, then runs the {@link ClickHouseSink} on its own thread. */
public final class ClickHouseSinkService implements AutoCloseable {
    private final Settings settings;
    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private ClickHouseSink sink;

    /** User and password from {@code clickhouse.user} / {@code clickhouse.password}. */
    public ClickHouseSinkService(Settings settings, String bootstrapServers, String jdbcUrl) {
        this(settings, bootstrapServers, jdbcUrl, settings.get(Settings.CLICKHOUSE_USER), settings.get(Settings.CLICKHOUSE_PASSWORD));
    }

    public ClickHouseSinkService(Settings settings, String bootstrapServers, String jdbcUrl, String user, String password) {
        this.settings = settings;
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /**
     * @throws SQLException when ClickHouse is unreachable, a migration fails or a table's columns are not what the sink
     *     writes: the sink does not start
     */
    public synchronized void start() throws SQLException {
        if (sink != null) throw new IllegalStateException("already started");
        ClickHouseMigrations.apply(jdbcUrl, user, password,
                Map.of("observations_retention_days", String.valueOf(settings.get(Settings.OBSERVATIONS_RETENTION_DAYS))));
        ClickHouseSink s = new ClickHouseSink(settings, bootstrapServers, jdbcUrl, user, password);
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
