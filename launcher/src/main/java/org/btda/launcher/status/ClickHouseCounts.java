package org.btda.launcher.status;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.btda.sink.clickhouse.ClickHouseConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers known and confirmed downloads, read from ClickHouse (the stream-processor keeps no such totals in memory). One
 * query per status interval: uniqExact over {@code peers} without FINAL (versions of one peer share the key) and a FINAL
 * count of {@code confirmed_downloads}; both cheap at a 5 s interval.
 */
public final class ClickHouseCounts {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseCounts.class);
    static final String QUERY = "SELECT (SELECT uniqExact(peer_key) FROM btda.peers),"
            + " (SELECT count() FROM btda.confirmed_downloads FINAL)";
    private static final int QUERY_TIMEOUT_SECONDS = 3;

    /** Peers and downloads; either may be null when unknown. */
    public record Counts(Long peersKnown, Long confirmedDownloads) {
        static final Counts UNKNOWN = new Counts(null, null);
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private boolean warned;

    public ClickHouseCounts(String jdbcUrl, String user, String password) {
        this.jdbcUrl = ClickHouseConnections.withDatabase(jdbcUrl, "btda");
        this.user = user;
        this.password = password;
    }

    /** The current counts, or unknown ones when ClickHouse does not answer (warned once, not every interval). */
    public synchronized Counts read() {
        try (Connection c = ClickHouseConnections.open(jdbcUrl, user, password);
             Statement st = c.createStatement()) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = st.executeQuery(QUERY)) {
                if (!rs.next()) {
                    return Counts.UNKNOWN;
                }
                warned = false;
                return new Counts(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("status: cannot read counts from ClickHouse: {}", e.getMessage());
            }
            return Counts.UNKNOWN;
        }
    }
}
