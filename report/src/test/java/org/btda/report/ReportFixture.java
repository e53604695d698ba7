package org.btda.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.btda.sink.clickhouse.LocalClickHouse;

/** The real ClickHouse of this JVM (sink's fixture), migrated, with the {@link ReportDataset} loaded once. */
final class ReportFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    private static ReportFixture shared;

    final LocalClickHouse server;
    final ClickHouseHttp ch;
    final ReportDataset data;

    private ReportFixture() throws SQLException {
        server = LocalClickHouse.shared();
        ClickHouseMigrations.apply(server.jdbcUrl(), server.user(), server.password(),
                LocalClickHouse.defaultMigrationParams());
        ch = new ClickHouseHttp(URI.create("http://127.0.0.1:" + server.httpPort() + "/"), server.user(),
                server.password(), Duration.ofSeconds(60));
        data = ReportDataset.shared(ch);
    }

    static synchronized ReportFixture get() throws SQLException {
        if (shared == null) {
            shared = new ReportFixture();
        }
        return shared;
    }

    /** The request of the data set: its torrents over its two days. */
    ReportRequest request() {
        return new ReportRequest(data.torrents, data.start, data.end, 20, 15, 0);
    }

    /** Runs a study query file with the data set's window and torrents, plus {@code extra}; the answer's rows. */
    JsonNode query(String file, Map<String, String> extra) throws Exception {
        StudyQuery q = StudyQuery.load(file);
        Map<String, String> given = new HashMap<>(request().commonParams());
        given.putAll(extra);
        return JSON.readTree(ch.selectJson(q.sql(), q.params(given))).get("data");
    }

    /** Rows of an ad-hoc query (for checks written independently of the query files). */
    JsonNode sql(String sql) throws Exception {
        return JSON.readTree(ch.selectJson(sql, Map.of())).get("data");
    }

    /** ClickHouse's UTC time text ({@code 2026-01-02 03:00:00[.000]}) as epoch milliseconds. */
    static long millis(String text) {
        return java.time.Instant.parse(text.replace(' ', 'T').substring(0, 19) + "Z").toEpochMilli();
    }
}
