package org.btda.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Runs on its own fresh ClickHouse, so the first apply really starts from an empty server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClickHouseMigrationsTest {
    private static LocalClickHouse ch;

    @BeforeAll
    static void startServer() {
        ch = LocalClickHouse.create();
        ch.start();
    }

    @AfterAll
    static void stopServer() {
        ch.destroy();
    }

    @Test
    @Order(1)
    void appliesEveryMigrationOnceThenNothing() throws SQLException {
        List<Migration> all = MigrationScripts.load(getClass().getClassLoader());
        Map<String, String> params = Map.of("observations_retention_days", "30");

        List<String> first = ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), params);
        List<String> second = ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), params);

        assertThat(first).containsExactlyElementsOf(all.stream().map(Migration::fileName).toList());
        assertThat(second).isEmpty();
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            assertThat(strings(st, "SELECT name FROM system.tables WHERE database = 'btda' ORDER BY name"))
                    .contains("torrents", "observations", "harvest_requests", "confirmed_downloads", "peers",
                            "discoveries", "runs", "evaluator_stats", "downloads_hourly", "discoveries_hourly",
                            "schema_migrations");
            assertThat(strings(st, "SELECT file_name FROM btda.schema_migrations FINAL ORDER BY version"))
                    .containsExactlyElementsOf(first);
            // The retention parameter reached the table definition.
            assertThat(strings(st, "SELECT engine_full FROM system.tables WHERE database = 'btda'"
                    + " AND name = 'observations'").get(0)).contains("toIntervalDay(30)");
        }
    }

    @Test
    @Order(2)
    void refusesAMigrationEditedAfterItWasApplied() throws SQLException {
        List<Migration> edited = new ArrayList<>(MigrationScripts.load(getClass().getClassLoader()));
        Migration first = edited.get(0);
        edited.set(0, Migration.of(first.fileName(), first.text() + "\n-- edited\n"));
        ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams());

        assertThatThrownBy(() -> ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams(), edited))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(first.fileName());
    }

    @Test
    @Order(3)
    void appliesOnlyTheNewMigration() throws SQLException {
        List<Migration> more = new ArrayList<>(MigrationScripts.load(getClass().getClassLoader()));
        more.add(Migration.of("V900__test_extra.sql",
                "CREATE TABLE IF NOT EXISTS btda.test_extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n"));

        List<String> applied = ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams(), more);

        assertThat(applied).containsExactly("V900__test_extra.sql");
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            assertThat(strings(st, "SELECT name FROM system.tables WHERE database = 'btda' AND name = 'test_extra'"))
                    .containsExactly("test_extra");
        }
    }

    @Test
    @Order(4)
    void dataSurvivesARestartOnTheSameDataDirectory() throws SQLException {
        ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams());
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO btda.torrents (info_hash, name, piece_length, piece_count, total_size, file_count,"
                    + " private, trackers, source, origin, monitored, event_time, version) VALUES ("
                    + "'" + "ab".repeat(20) + "', 'restart me', 16384, 3, 40000, 1, false, [['http://127.0.0.1/a']],"
                    + " 'FILE', 'r.torrent', true, '2026-01-02 03:04:05.678', 1)");
        }

        ch.stop();
        assertThat(ch.isRunning()).isFalse();
        assertThatThrownBy(() -> {
            try (Connection c = ch.connect(); Statement st = c.createStatement()) {
                st.executeQuery("SELECT 1").close();
            }
        }).isInstanceOf(SQLException.class);
        ch.start();

        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            assertThat(strings(st, "SELECT concat(name, '|', toString(event_time), '|', toString(trackers))"
                    + " FROM btda.torrents FINAL WHERE info_hash = '" + "ab".repeat(20) + "'"))
                    .containsExactly("restart me|2026-01-02 03:04:05.678|[['http://127.0.0.1/a']]");
        }
        // The recorded history survived too: nothing is applied again.
        assertThat(ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams())).isEmpty();
    }

    static List<String> strings(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
