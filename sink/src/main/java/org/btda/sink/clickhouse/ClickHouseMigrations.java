package org.btda.sink.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the migrations under {@code sql/migrations} (packaged as classpath resources) that are not yet recorded in
 * {@code btda.schema_migrations}, in version order. Every statement is {@code IF NOT EXISTS}, so a migration cut
 * short and run again, or two services migrating at once, end in the same schema.
 */
public final class ClickHouseMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseMigrations.class);
    public static final String DATABASE = "btda";

    private static final String CREATE_DATABASE = "CREATE DATABASE IF NOT EXISTS " + DATABASE;
    private static final String CREATE_HISTORY = "CREATE TABLE IF NOT EXISTS " + DATABASE + ".schema_migrations ("
            + " version UInt32, file_name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)"
            + ") ENGINE = ReplacingMergeTree ORDER BY version";

    private ClickHouseMigrations() {
    }

    /**
     * Applies pending migrations.
     *
     * @param jdbcUrl any database on the target server; the runner connects to {@code default} for bootstrapping
     * @param params  values for the {@code ${name}} placeholders (e.g. {@code SinkConfig.migrationParams()}); every
     *                placeholder needs one: the defaults live in the settings registry only
     * @return the file names applied by this call, in order (empty when the schema was current)
     * @throws IllegalStateException when an applied migration's file has changed since
     */
    public static List<String> apply(String jdbcUrl, String user, String password, Map<String, String> params)
            throws SQLException {
        return apply(jdbcUrl, user, password, params, MigrationScripts.load(ClickHouseMigrations.class.getClassLoader()));
    }

    static List<String> apply(String jdbcUrl, String user, String password, Map<String, String> params,
                              List<Migration> migrations) throws SQLException {
        Map<String, String> values = params == null ? Map.of() : params;
        String bootstrapUrl = ClickHouseConnections.withDatabase(jdbcUrl, "default");
        List<String> applied = new ArrayList<>();
        try (Connection conn = ClickHouseConnections.open(bootstrapUrl, user, password);
             Statement st = conn.createStatement()) {
            st.execute(CREATE_DATABASE);
            st.execute(CREATE_HISTORY);
            Map<Integer, String> done = appliedChecksums(st);
            for (Migration m : migrations) {
                String previous = done.get(m.version());
                if (previous != null) {
                    if (!previous.equals(m.checksum())) {
                        throw new IllegalStateException("migration " + m.fileName() + " changed after it was applied;"
                                + " add a new migration instead of editing an applied one");
                    }
                    continue;
                }
                List<String> statements = MigrationScripts.split(MigrationScripts.substitute(m.text(), values));
                for (String sql : statements) {
                    try {
                        st.execute(sql);
                    } catch (SQLException e) {
                        throw new SQLException("migration " + m.fileName() + " failed at: " + firstLine(sql), e);
                    }
                }
                record(conn, m);
                applied.add(m.fileName());
                LOG.info("applied ClickHouse migration {} ({} statements)", m.fileName(), statements.size());
            }
        }
        return applied;
    }

    private static Map<Integer, String> appliedChecksums(Statement st) throws SQLException {
        Map<Integer, String> done = new HashMap<>();
        try (ResultSet rs = st.executeQuery(
                "SELECT version, checksum FROM " + DATABASE + ".schema_migrations FINAL")) {
            while (rs.next()) {
                done.put(rs.getInt(1), rs.getString(2));
            }
        }
        return done;
    }

    private static void record(Connection conn, Migration m) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO " + DATABASE + ".schema_migrations (version, file_name, checksum) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.fileName());
            ps.setString(3, m.checksum());
            ps.executeUpdate();
        }
    }

    private static String firstLine(String sql) {
        int nl = sql.indexOf('\n');
        return nl < 0 ? sql : sql.substring(0, nl) + " ...";
    }
}
