package org.btda.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import org.btda.common.config.Settings;
import org.btda.launcher.kafka.FreePorts;
import org.btda.sink.clickhouse.ClickHouseConnections;

/**
 * One real ClickHouse per test JVM (scripts/clickhouse.sh through the launcher's own {@link LocalClickHouse}) on free
 * loopback ports, with the btda schema applied; stopped by a shutdown hook.
 */
public final class TestClickHouse {
    private static TestClickHouse shared;
    private final LocalClickHouse server;
    private final String url;

    private TestClickHouse(LocalClickHouse server) {
        this.server = server;
        this.url = server.jdbcUrl();
    }

    public static synchronized TestClickHouse shared() {
        if (shared == null) {
            Path data;
            try {
                data = Files.createTempDirectory("btda-launcher-ch-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LocalClickHouse ch = LocalClickHouse.start(BtdaHome.find(Map.of()), data, FreePorts.loopback(),
                    FreePorts.loopback());
            Runtime.getRuntime().addShutdownHook(new Thread(ch::close, "test-clickhouse-stop"));
            TestClickHouse t = new TestClickHouse(ch);
            Hooks.applyMigrations(Settings.defaults(), t.url);
            shared = t;
        }
        return shared;
    }

    /** Server URL without a database, as {@code btda local} passes it around. */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return ClickHouseConnections.open(ClickHouseConnections.withDatabase(url, "btda"), "default", "");
    }
}
