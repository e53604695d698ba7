package org.btda.sink.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every query in {@code sql/queries/} on a real ClickHouse over HTTP (as the README tells users to) against the
 * hand-made {@link StudyDataset}, and checks each answer against what the data set implies (derivations in the
 * comments). A query file without a check here fails the build, so every file is exercised.
 */
class StudyQueriesTest {
    private static StudyDataset data;
    private static HttpQueries ch;

    /** Header line of the queries whose answers org.btda.report.ReportQueriesTest checks. */
    private static final String CHECKED_BY_REPORT = "-- @checked-by org.btda.report.ReportQueriesTest";

    /** file name → the check of its answer on {@link #data}. */
    private static final Map<String, Consumer<QueryFile>> CHECKS = Map.ofEntries(
            Map.entry("downloads_per_hour.sql", StudyQueriesTest::downloadsPerHour),
            Map.entry("downloads_vs_scrape.sql", StudyQueriesTest::downloadsVsScrape),
            Map.entry("first_contact_outcomes.sql", StudyQueriesTest::firstContactOutcomes),
            Map.entry("revisit_share.sql", StudyQueriesTest::revisitShare),
            Map.entry("source_overlap.sql", StudyQueriesTest::sourceOverlap),
            Map.entry("longest_gap_distribution.sql", StudyQueriesTest::longestGapDistribution),
            Map.entry("threshold_sensitivity.sql", StudyQueriesTest::thresholdSensitivity),
            Map.entry("downloads_by_client.sql", StudyQueriesTest::downloadsByClient),
            Map.entry("max_speed_distribution.sql", StudyQueriesTest::maxSpeedDistribution),
            Map.entry("downloads_per_file.sql", StudyQueriesTest::downloadsPerFile),
            Map.entry("partial_downloaders.sql", StudyQueriesTest::partialDownloaders),
            Map.entry("downloads_by_reach.sql", StudyQueriesTest::downloadsByReach));

    @BeforeAll
    static void loadData() throws SQLException {
        LocalClickHouse server = LocalClickHouse.shared();
        ClickHouseMigrations.apply(server.jdbcUrl(), server.user(), server.password(), LocalClickHouse.defaultMigrationParams());
        ch = new HttpQueries(server.httpPort());
        data = new StudyDataset();
        data.insert(ch);
    }

    @TestFactory
    Stream<DynamicTest> everyQueryFileAnswersCorrectly() {
        List<Path> files = QueryFile.all();
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            QueryFile q = QueryFile.load(f);
            // every {name:Type} in the body has a documented default, and nothing documented is unused
            assertThat(q.defaults().keySet()).as("documented parameters of %s", q.name())
                    .containsExactlyInAnyOrderElementsOf(q.usedParams());
            // the documented defaults are values the server accepts (all torrents, whole retention)
            ch.select(q.sql(), q.defaults());
            // the report's queries are checked against the report's data set, in the report module
            if (q.sql().contains(CHECKED_BY_REPORT)) {
                return;
            }
            assertThat(CHECKS).as("a check for %s in %s", q.name(), getClass().getSimpleName())
                    .containsKey(q.name());
            CHECKS.get(q.name()).accept(q);
        }));
    }

    @Test
    void everyCheckHasItsQueryFile() {
        TreeSet<String> names = new TreeSet<>();
        QueryFile.all().forEach(p -> names.add(p.getFileName().toString()));
        assertThat(names).containsAll(CHECKS.keySet());
    }

    @Test
    void readmeDescribesEveryQuery() throws Exception {
        String readme = java.nio.file.Files.readString(QueryFile.directory().resolve("README.md"));
        for (Path p : QueryFile.all()) {
            assertThat(readme).contains(p.getFileName().toString());
        }
    }

    // ---- 1. downloads per hour -------------------------------------------------------------------------------

    /**
     * Hour 0: p1 (redelivered, once). Hour 1: p10 (corrected from 2:30 to 1:10, unknown client), q1 (1:05),
     * q3 (1:50). p11 is before the window, r1 is in unselected t3. Hour 2: nothing (p10's old version lost).
     */
    private static void downloadsPerHour(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", hour(r.get("hour")),
                shortName(r.get("torrent")), r.get("downloads"), r.get("downloads_unknown_client"))).toList();
        String h0 = hourText(Duration.ZERO);
        String h1 = hourText(Duration.ofHours(1));
        assertThat(rows).containsExactly(
                h0 + "|all|1|0", h0 + "|t1|1|0",
                h1 + "|all|3|1", h1 + "|t1|1|1", h1 + "|t2|2|0");
    }

    // ---- 2. downloads vs scrape ------------------------------------------------------------------------------

    /**
     * t1: 2 downloads (p1, p10). Tracker a: 100 → 104 in the window (the 90 before it, the failed 999 and the
     * ANNOUNCE 500 are ignored): max 104, growth 4. Tracker b: 50 → 52. Per torrent: max 104, growth 4;
     * ratios 2/4 and 2/104. t2: 2 downloads, no scrape: NULL figures.
     */
    private static void downloadsVsScrape(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", shortName(r.get("torrent")),
                r.get("confirmed"), r.get("trackers_scraped"), nullable(r.get("completed_max")),
                nullable(r.get("completed_growth")),
                num(r.get("ratio_to_growth")), num(r.get("ratio_to_max")))).toList();
        assertThat(rows).containsExactly(
                "t1|2|2|104|4|" + f(2.0 / 4) + "|" + f(2.0 / 104),
                "t2|2|0|null|null|null|null");
    }

    // ---- 3. first contact ------------------------------------------------------------------------------------

    /**
     * First observations in the window: p1..p5 success, p6 CONNECT_TIMEOUT, p7 REFUSED, p8 NO_HANDSHAKE (its
     * earlier OVERLOADED is no contact), q1, q2 success; p9 was first seen before the window. 10 peers:
     * success 7, timeout 1, refused 1, other 1.
     */
    private static void firstContactOutcomes(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", r.get("outcome"), r.get("reason"),
                r.get("peers"), num(r.get("share")), num(r.get("outcome_share")))).toList();
        assertThat(rows).containsExactly(
                "success||7|" + f(0.7) + "|" + f(0.7),
                "other|NO_HANDSHAKE|1|" + f(0.1) + "|" + f(0.1),
                "refused|REFUSED|1|" + f(0.1) + "|" + f(0.1),
                "timeout|CONNECT_TIMEOUT|1|" + f(0.1) + "|" + f(0.1));
    }

    // ---- 4. revisits -----------------------------------------------------------------------------------------

    /**
     * t1 in the window: contacted p1..p9 (9; p8's NO_HANDSHAKE is a contact); seen p1..p6 and p9 (7); twice
     * p1..p5 (5; p3's silent contact is a success). t2: q1 twice, q2 once. All: 11 contacted, 9 seen, 6 twice.
     */
    private static void revisitShare(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", shortName(r.get("torrent")),
                r.get("peers_contacted"), r.get("peers_seen"), r.get("peers_seen_twice"),
                num(r.get("share_of_seen")), num(r.get("share_of_contacted")))).toList();
        assertThat(rows).containsExactly(
                "all|11|9|6|" + f(6.0 / 9) + "|" + f(6.0 / 11),
                "t1|9|7|5|" + f(5.0 / 7) + "|" + f(5.0 / 9),
                "t2|2|2|1|" + f(0.5) + "|" + f(0.5));
    }

    // ---- 5. sources ------------------------------------------------------------------------------------------

    /**
     * Peers in the window: p1 {dht, tracker}, p2 {tracker}, p3 {dht, pex}, p4 {incoming}, p5 {dht, pex, tracker},
     * q1 {magnet}, q2 {tracker}: 7 peers (p6 is before the window). tracker 4 (2 only via it), dht 3, pex 2,
     * incoming 1 (only), magnet 1 (only); dht∩pex 2, dht∩tracker 2, pex∩tracker 1.
     */
    private static void sourceOverlap(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", r.get("source"), r.get("also_via"),
                r.get("peers"), r.get("only_this_source"), num(r.get("share_of_source")),
                num(r.get("share_of_all")), r.get("all_peers"))).toList();
        assertThat(rows).containsExactly(
                "dht|dht|3|0|" + f(1) + "|" + f(3.0 / 7) + "|7",
                "dht|pex|2|0|" + f(2.0 / 3) + "|" + f(2.0 / 7) + "|7",
                "dht|tracker|2|0|" + f(2.0 / 3) + "|" + f(2.0 / 7) + "|7",
                "incoming|incoming|1|1|" + f(1) + "|" + f(1.0 / 7) + "|7",
                "magnet|magnet|1|1|" + f(1) + "|" + f(1.0 / 7) + "|7",
                "pex|pex|2|0|" + f(1) + "|" + f(2.0 / 7) + "|7",
                "pex|dht|2|0|" + f(1) + "|" + f(2.0 / 7) + "|7",
                "pex|tracker|1|0|" + f(0.5) + "|" + f(1.0 / 7) + "|7",
                "tracker|tracker|4|2|" + f(1) + "|" + f(4.0 / 7) + "|7",
                "tracker|dht|2|0|" + f(0.5) + "|" + f(2.0 / 7) + "|7",
                "tracker|pex|1|0|" + f(0.25) + "|" + f(1.0 / 7) + "|7");
    }

    // ---- 6. longest gap --------------------------------------------------------------------------------------

    /**
     * The 15 successful observations in the window have gaps 100 200 300 400 500 600 1500 2500 4000 7000 15000
     * 25000 45000 90000 200000 ms (failed sessions and p9's earlier 500000 are out). quantileExact takes index
     * floor(level * 15): p50 → [7] = 2500, p90 → [13] = 90000, p95 and p99 → [14] = 200000.
     * Buckets: [0,1000) 6, [1000,2000) 1, [2000,5000) 2, then one each up to [120000,inf).
     */
    private static void longestGapDistribution(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", r.get("section"), r.get("label"),
                r.get("ms"), r.get("observations"), num(r.get("cumulative_share")))).toList();
        assertThat(rows).containsExactly(
                "quantile|p50|2500|15|" + f(0.5),
                "quantile|p90|90000|15|" + f(0.9),
                "quantile|p95|200000|15|" + f(0.95),
                "quantile|p99|200000|15|" + f(0.99),
                "quantile|max|200000|15|" + f(1),
                "histogram|[0, 1000) ms|0|6|" + f(6.0 / 15),
                "histogram|[1000, 2000) ms|1000|1|" + f(7.0 / 15),
                "histogram|[2000, 5000) ms|2000|2|" + f(9.0 / 15),
                "histogram|[5000, 10000) ms|5000|1|" + f(10.0 / 15),
                "histogram|[10000, 20000) ms|10000|1|" + f(11.0 / 15),
                "histogram|[20000, 30000) ms|20000|1|" + f(12.0 / 15),
                "histogram|[30000, 60000) ms|30000|1|" + f(13.0 / 15),
                "histogram|[60000, 120000) ms|60000|1|" + f(14.0 / 15),
                "histogram|[120000, inf) ms|120000|1|" + f(1));
    }

    // ---- 7. threshold ----------------------------------------------------------------------------------------

    /**
     * p1 50 → 98 counts for 51..98 %; p2 40 → 80 for 41..80 %; q1 150/200 → 200/200 for 76..100 % (75 % exactly
     * is not below 75 %). p3 (unknown → 100), p4 (100 → 100), p5 (100 → 50), p9 (one in-window sighting) never.
     * So 75: 2 (p1, p2); 76..80: 3; 81..98: 2; 99, 100: 1. Reference 98 % = 2.
     */
    private static void thresholdSensitivity(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", r.get("percent"),
                num(r.get("threshold")), r.get("downloads"), num(r.get("relative_to_reference")))).toList();
        List<String> expected = new java.util.ArrayList<>();
        for (int p = 75; p <= 100; p++) {
            int n = p == 75 ? 2 : p <= 80 ? 3 : p <= 98 ? 2 : 1;
            expected.add(p + "|" + f(p / 100.0) + "|" + n + "|" + f(n / 2.0));
        }
        assertThat(rows).containsExactlyElementsOf(expected);

        // coarser steps and another reference: 80, 90, 100 → 3, 2, 1; relative to 90 %
        List<String> coarse = run(q, Map.of("min_percent", "80", "step_percent", "10", "reference_percent", "90"))
                .stream().map(r -> r.get("percent") + "|" + r.get("downloads") + "|"
                        + num(r.get("relative_to_reference"))).toList();
        assertThat(coarse).containsExactly("80|3|" + f(1.5), "90|2|" + f(1), "100|1|" + f(0.5));
    }

    // ---- 8. clients and speed --------------------------------------------------------------------------------

    /** p1 and q3 Transmission 4.0.6, q1 qBittorrent 4.6.7, p10 unknown (p11 before the window, r1 in t3). */
    private static void downloadsByClient(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", r.get("client_name"),
                r.get("downloads"), num(r.get("share")))).toList();
        assertThat(rows).containsExactly(
                "Transmission 4.0.6|2|" + f(0.5),
                "qBittorrent 4.6.7|1|" + f(0.25),
                "unknown|1|" + f(0.25));
    }

    /**
     * Speeds in the window (p3's 0 left out, p11 before it): 150 300 50000 1e6 2.5e6 8e6 B/s; p50 = [3] = 1e6,
     * p90 = [5] = 8e6. Decades: [100, 1000) 2, [10000, 100000) 1, [1e6, 1e7) 3. Downloaders only (p1, p10, q1,
     * q3): 300 1e6 2.5e6 8e6; p50 = [2] = 2.5e6.
     */
    private static void maxSpeedDistribution(QueryFile q) {
        List<String> all = run(q, Map.of()).stream().map(r -> String.join("|", r.get("section"), r.get("label"),
                num(r.get("bytes_per_s")), r.get("peers"), num(r.get("cumulative_share")))).toList();
        assertThat(all).containsExactly(
                "quantile|p50|" + f(1e6) + "|6|" + f(0.5),
                "quantile|p90|" + f(8e6) + "|6|" + f(0.9),
                "quantile|p99|" + f(8e6) + "|6|" + f(0.99),
                "quantile|max|" + f(8e6) + "|6|" + f(1),
                "histogram|[100, 1000) B/s|" + f(100) + "|2|" + f(2.0 / 6),
                "histogram|[10000, 100000) B/s|" + f(10000) + "|1|" + f(3.0 / 6),
                "histogram|[1000000, 10000000) B/s|" + f(1e6) + "|3|" + f(1));
        List<String> downloaders = run(q, Map.of("downloaders_only", "1")).stream()
                .filter(r -> r.get("section").equals("quantile"))
                .map(r -> r.get("label") + "|" + num(r.get("bytes_per_s")) + "|" + r.get("peers")).toList();
        assertThat(downloaders).containsExactly("p50|" + f(2.5e6) + "|4", "p90|" + f(8e6) + "|4",
                "p99|" + f(8e6) + "|4", "max|" + f(8e6) + "|4");
    }

    // ---- 9. reach: encryption, uTP, holepunch ---------------------------------------------------------------

    /** T4: s1 (plain and RC4) and s3 (pre-v4) plaintext_tcp; s2 RC4 only; s4 uTP; s5 holepunch; s6 no observation. */
    private static void downloadsByReach(QueryFile q) {
        List<String> rows = run(q, Map.of("torrents", "['" + data.t4 + "']")).stream()
                .map(r -> r.get("reach") + "|" + r.get("downloads") + "|" + num(r.get("share"))).toList();
        assertThat(rows).containsExactly(
                "plaintext_tcp|2|" + f(0.3333),
                "only_encryption|1|" + f(0.1667),
                "only_holepunch|1|" + f(0.1667),
                "only_utp|1|" + f(0.1667),
                "unknown|1|" + f(0.1667));
        // the selected torrents' downloads were all made before v4: plaintext, except p10 and q3 (no observation)
        List<String> old = run(q, Map.of()).stream().map(r -> r.get("reach") + "|" + r.get("downloads")).toList();
        assertThat(old).containsExactly("plaintext_tcp|2", "unknown|2");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Runs with the documented defaults, the test window and the two selected torrents, plus overrides. */
    // ---- 9. per-file downloads ----------------------------------------------------------------------------------

    /**
     * T1's latest registration: e01 (0), e02 (1), extras (3); the padding file (2) and the empty file (4) are left
     * out. In the window: file 0 p1 and p2 (p2 corrected into the window), file 1 p1, file 3 p1 (p6 before the
     * window). T2 is single-file: no rows. T3 is not selected.
     */
    private static void downloadsPerFile(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", shortName(r.get("torrent")), r.get("name"),
                r.get("file_index"), r.get("path"), r.get("size_bytes"), r.get("downloads"))).toList();
        assertThat(rows).containsExactly(
                "t1|pack-a1|0|e01.mkv|400000|2",
                "t1|pack-a1|1|e02.mkv|380000|1",
                "t1|pack-a1|3|extras/making-of.mkv|90000|1");
        // the window moves p2's corrected crossing (0:30) out: file 0 has only p1
        List<String> later = run(q, Map.of("from", data.at(Duration.ofMinutes(16)))).stream()
                .map(r -> r.get("file_index") + "=" + r.get("downloads")).toList();
        assertThat(later).containsExactly("0=1", "1=1", "3=1");
    }

    /** T1: p1 (whole-torrent download too) and p2 (file 0 only): 2 file downloaders, 1 partial; p6 before the window. */
    private static void partialDownloaders(QueryFile q) {
        List<String> rows = run(q, Map.of()).stream().map(r -> String.join("|", shortName(r.get("torrent")),
                r.get("file_downloaders"), r.get("whole_torrent"), r.get("partial_only"), num(r.get("partial_share")))).toList();
        assertThat(rows).containsExactly("t1|2|1|1|" + f(0.5), "all|2|1|1|" + f(0.5));
        List<String> all = run(q, Map.of("torrents", "[]")).stream().map(r -> shortName(r.get("torrent")) + "="
                + r.get("partial_only")).toList();
        assertThat(all).containsExactly("t1=1", "t3=0", "all=1");      // r1 of T3 has a whole-torrent download
    }

    private static List<Map<String, String>> run(QueryFile q, Map<String, String> overrides) {
        Map<String, String> params = new HashMap<>(q.defaults());
        params.put("from", data.at(Duration.ZERO));
        params.put("to", data.at(Duration.ofHours(3)));
        params.put("torrents", "['" + data.t1 + "','" + data.t2 + "']");
        params.putAll(overrides);
        return ch.select(q.sql(), params);
    }

    private static String shortName(String torrent) {
        if (torrent.equals(data.t1)) return "t1";
        if (torrent.equals(data.t2)) return "t2";
        if (torrent.equals(data.t3)) return "t3";
        return torrent;
    }

    private static String hourText(Duration afterH0) {
        return data.at(afterH0).substring(0, 19);
    }

    /** toStartOfHour of a DateTime64 may print milliseconds; the hour is the first 19 characters. */
    private static String hour(String value) {
        return value.substring(0, 19);
    }

    private static String nullable(String tsv) {
        return "\\N".equals(tsv) ? "null" : tsv;
    }

    private static String num(String tsv) {
        return "\\N".equals(tsv) ? "null" : f(Double.parseDouble(tsv));
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
