package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.common.config.Settings;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The column declarations of {@link SinkTable} against the schema sql/migrations builds: every migration applied to a
 * fresh ClickHouse, then each table's columns (name, type as system.columns spells it, and order) must be exactly what
 * the sink writes. A migration that adds, drops, renames or retypes a column without the matching SinkTable change (or the
 * other way round) fails here at build time, not at the sink's start in production. See
 * docs/recipes/add-a-clickhouse-column.md.
 */
class SinkTablesMatchMigrationsTest {
    private static LocalClickHouse ch;

    @BeforeAll
    static void freshServerWithEveryMigration() throws SQLException {
        ch = LocalClickHouse.create();
        ch.start();
        ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams());
    }

    @AfterAll
    static void stopServer() {
        if (ch != null) ch.destroy();
    }

    @Test
    void everySinkTableDeclaresExactlyTheColumnsOfItsMigratedTable() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            for (SinkTable t : SinkTable.all()) {
                Map<String, String> declared = new LinkedHashMap<>();
                for (SinkTable.Column col : t.columns()) declared.put(col.name(), col.type());
                Map<String, String> migrated = columns(st, t.table());
                if (migrated.isEmpty()) {
                    mismatches.add(t.table() + ": no such table after the migrations");
                    continue;
                }
                for (var e : declared.entrySet()) {
                    String type = migrated.get(e.getKey());
                    if (type == null) mismatches.add(t.table() + "." + e.getKey() + ": declared " + e.getValue() + ", missing in the migrations");
                    else if (!type.equals(e.getValue())) mismatches.add(t.table() + "." + e.getKey() + ": declared " + e.getValue() + ", migrations say " + type);
                }
                for (var e : migrated.entrySet()) {
                    if (!declared.containsKey(e.getKey())) {
                        mismatches.add(t.table() + "." + e.getKey() + ": " + e.getValue() + " in the migrations, not declared in SinkTable");
                    }
                }
                // same order too, so SinkTable reads like the table it fills (inserts name their columns either way)
                if (declared.keySet().equals(migrated.keySet()) && !List.copyOf(declared.keySet()).equals(List.copyOf(migrated.keySet()))) {
                    mismatches.add(t.table() + ": declared in the order " + declared.keySet() + ", the table has " + migrated.keySet());
                }
            }
        }
        assertThat(mismatches).as("SinkTable declarations vs sql/migrations").isEmpty();
    }

    /** The check the sink runs before it starts passes on the migrated schema. */
    @Test
    void theSinksStartCheckAcceptsTheMigratedSchema() {
        SinkConfig config = ch.sinkConfig(Settings.defaults()).withBootstrapServers("127.0.0.1:9");
        try (ClickHouseSink sink = new ClickHouseSink(config)) {
            sink.checkColumns();
        }
    }

    /** Columns of btda.{table} by name, with their types, in table order (empty when there is no such table). */
    private static Map<String, String> columns(Statement st, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery("SELECT name, type FROM system.columns WHERE database = '" + ClickHouseMigrations.DATABASE
                + "' AND table = '" + table + "' ORDER BY position")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }
}
