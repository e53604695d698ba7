package org.btda.sink.clickhouse;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * JDBC connections to ClickHouse through clickhouse-jdbc 0.9.9 (HTTP). URL form:
 * {@code jdbc:clickhouse://127.0.0.1:8123/btda}.
 */
public final class ClickHouseConnections {
    public static final String PREFIX = "jdbc:clickhouse://";

    private ClickHouseConnections() {
    }

    /** Opens a connection; the caller closes it. */
    public static Connection open(String jdbcUrl, String user, String password) throws SQLException {
        requireClickHouseUrl(jdbcUrl);
        Properties props = new Properties();
        props.setProperty("user", user == null || user.isEmpty() ? "default" : user);
        props.setProperty("password", password == null ? "" : password);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** The JDBC URL for host:port with the given database, e.g. {@code url("127.0.0.1", 8123, "btda")}. */
    public static String url(String host, int port, String database) {
        return PREFIX + host + ":" + port + "/" + database;
    }

    /**
     * The same server with another database. The migrations runner needs this: a URL naming a database that does
     * not exist yet is refused by the server, even for {@code CREATE DATABASE}.
     */
    public static String withDatabase(String jdbcUrl, String database) {
        requireClickHouseUrl(jdbcUrl);
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return PREFIX + uri.getRawAuthority() + "/" + database + query;
    }

    private static void requireClickHouseUrl(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a ClickHouse JDBC URL (expected " + PREFIX + "host:port/db): "
                    + jdbcUrl);
        }
    }
}
