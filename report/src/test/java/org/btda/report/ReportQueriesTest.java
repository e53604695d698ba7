package org.btda.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report's own study queries (sql/queries files marked {@code @checked-by} this class), run over HTTP on a real
 * ClickHouse against {@link ReportDataset}, each answer compared with what the data set's definition implies.
 */
class ReportQueriesTest {
    private static ReportFixture fx;
    private static ReportDataset data;

    @BeforeAll
    static void load() throws Exception {
        fx = ReportFixture.get();
        data = fx.data;
    }

    /** [20 h, 22 h) after the clean stop, [30 h, 33 h) after the unclean one; the running run makes none. */
    @Test
    void downtime() throws Exception {
        assertThat(lines(fx.query("downtime.sql", Map.of()), "down_from", "down_to", "reason", "hours")).containsExactly(
                at(20) + "|" + at(22) + "|stopped|2", at(30) + "|" + at(33) + "|unclean stop|3");
        // clipped to a window that starts and ends inside them
        assertThat(lines(fx.query("downtime.sql", Map.of("from", at(21), "to", at(31))), "down_from", "down_to", "reason"))
                .containsExactly(at(21) + "|" + at(22) + "|stopped", at(30) + "|" + at(31) + "|unclean stop");
    }

    @Test
    void runsInWindow() throws Exception {
        List<String> all = lines(fx.query("runs_in_window.sql", Map.of()), "btda_version", "clean_stop",
                "completion_threshold", "network_timeout_ms", "stats_interval_ms");
        assertThat(all).containsExactly("0.1.0-test|true|0.98|6000|300000", "0.1.0-test|false|0.98|6000|300000",
                "0.1.0-test|false|0.98|6000|300000");
        assertThat(lines(fx.query("runs_in_window.sql", Map.of("from", at(23), "to", at(24))), "run_id"))
                .singleElement().asString().startsWith("run-b-");
    }

    @Test
    void discoveriesPerHour() throws Exception {
        Map<String, String> got = new TreeMap<>();
        for (JsonNode r : fx.query("discoveries_per_hour.sql", Map.of())) {
            got.put(ReportFixture.millis(r.get("hour").asText()) + "|" + r.get("source").asText(),
                    r.get("discoveries").asLong() + "|" + r.get("new_peers").asLong() + "|" + r.get("duplicates").asLong());
        }
        Map<String, String> expected = new TreeMap<>();
        data.discoveriesByHourSource.forEach((k, v) -> expected.put(k, (v[0] + v[1]) + "|" + v[0] + "|" + v[1]));
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void downloadsByCountryContinentAndCity() throws Exception {
        Map<String, String> countries = new TreeMap<>();
        for (JsonNode r : fx.query("downloads_by_place.sql", Map.of("level", "country", "top", "0"))) {
            countries.put(r.get("country").asText(), r.get("downloads").asLong() + "|" + r.get("peers").asLong() + "|"
                    + (r.get("median_max_speed_bps").isNull() ? "null" : (long) r.get("median_max_speed_bps").asDouble()));
        }
        Map<String, String> expected = new TreeMap<>();
        data.peersByCountry.forEach((c, peers) -> expected.put(c, data.downloadsByCountry.getOrDefault(c, 0) + "|" + peers
                + "|" + (long) ReportDataset.median(data.speedsByCountry.get(c))));
        expected.put("", "1|0|null"); // the download whose peer has no summary
        assertThat(countries).isEqualTo(expected);

        Map<String, Long> continents = new TreeMap<>();
        for (JsonNode r : fx.query("downloads_by_place.sql", Map.of("level", "continent", "top", "0"))) {
            assertThat(r.get("country").asText()).isEmpty();
            continents.put(r.get("continent").asText(), r.get("downloads").asLong());
        }
        Map<String, Long> expectedContinents = new TreeMap<>();
        ReportDataset.COUNTRIES.forEach(c -> expectedContinents.put(c.continent(), 0L));
        data.downloadsByContinent.forEach((c, n) -> expectedContinents.put(c, (long) n));
        expectedContinents.put("", 1L);
        assertThat(continents).isEqualTo(expectedContinents);

        JsonNode cities = fx.query("downloads_by_place.sql", Map.of("level", "city", "top", "3"));
        assertThat(lines(cities, "rank")).containsExactly("1", "2", "3");
        int most = data.downloadsByCountry.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(cities.get(0).get("downloads").asInt()).isEqualTo(most);
        assertThat(cities.get(0).get("city").asText()).isNotEmpty();
    }

    @Test
    void downloadsByNetwork() throws Exception {
        Map<String, String> asns = new TreeMap<>();
        for (JsonNode r : fx.query("downloads_by_network.sql", Map.of("by", "asn", "top", "0"))) {
            asns.put(r.get("network").asText(), r.get("name").asText() + "|" + r.get("kind").asText() + "|"
                    + r.get("downloads").asLong() + "|" + r.get("peers").asLong());
        }
        Map<String, String> expected = new TreeMap<>();
        for (ReportDataset.Network n : ReportDataset.NETWORKS) {
            expected.put(Integer.toString(n.asn()), n.org() + "|" + (n.hosting() ? "hosting" : "consumer") + "|"
                    + data.downloadsByAsn.get(n.asn()) + "|" + data.peersByAsn.get(n.asn()));
        }
        expected.put("", "|consumer|1|0");
        assertThat(asns).isEqualTo(expected);

        Map<String, Long> domains = new TreeMap<>();
        for (JsonNode r : fx.query("downloads_by_network.sql", Map.of("by", "domain", "top", "0"))) {
            domains.put(r.get("network").asText(), r.get("downloads").asLong());
            assertThat(r.get("name").asText()).isEqualTo(r.get("network").asText());
        }
        Map<String, Long> expectedDomains = new TreeMap<>();
        data.downloadsByDomain.forEach((d, n) -> expectedDomains.put(d, (long) n));
        expectedDomains.put("", 1L);
        assertThat(domains).isEqualTo(expectedDomains);

        // top 1: the network with most downloads and the one with most peers (the same or two rows)
        JsonNode top = fx.query("downloads_by_network.sql", Map.of("by", "asn", "top", "1"));
        assertThat(top).allSatisfy(r -> assertThat(r.get("rank_downloads").asInt() == 1 || r.get("rank_peers").asInt() == 1).isTrue());
        assertThat(top.size()).isBetween(1, 2);
    }

    @Test
    void torrentOverview() throws Exception {
        Map<String, String> got = new TreeMap<>();
        for (JsonNode r : fx.query("torrent_overview.sql", Map.of())) {
            got.put(r.get("torrent").asText(), r.get("name").asText() + "|" + r.get("unique_peers").asLong() + "|"
                    + r.get("first_contacts").asLong() + "|" + r.get("first_successes").asLong() + "|"
                    + String.format(Locale.ROOT, "%.4f", r.get("first_contact_success_share").asDouble()));
        }
        Map<String, String> expected = new TreeMap<>();
        for (int t = 0; t < data.torrents.size(); t++) {
            String torrent = data.torrents.get(t);
            int[] fc = data.firstContactsByTorrent.get(torrent);
            expected.put(torrent, data.names.get(t) + "|" + data.uniquePeersByTorrent.get(torrent) + "|" + fc[0] + "|"
                    + fc[1] + "|" + String.format(Locale.ROOT, "%.4f", (double) fc[1] / fc[0]));
        }
        assertThat(got).isEqualTo(expected);
    }

    /** Each speed s falls in the bucket floor(10 log10 s), reported by its upper bound 10^((k + 1) / 10). */
    @Test
    void maxSpeedCdf() throws Exception {
        Map<Long, Integer> expected = new TreeMap<>();
        for (double s : data.speeds) {
            expected.merge((long) Math.floor(Math.log10(s) * 10), 1, Integer::sum);
        }
        JsonNode rows = fx.query("max_speed_cdf.sql", Map.of());
        Map<Long, Integer> got = new TreeMap<>();
        long total = 0;
        for (JsonNode r : rows) {
            long bucket = Math.round(Math.log10(r.get("bytes_per_s").asDouble()) * 10) - 1;
            got.put(bucket, r.get("peers").asInt());
            total += r.get("peers").asInt();
            assertThat(r.get("cumulative_share").asDouble()).isCloseTo((double) total / data.speeds.size(),
                    org.assertj.core.data.Offset.offset(0.0001));
        }
        assertThat(got).isEqualTo(expected);
    }

    // ---- helpers ----

    private static String at(int hours) {
        return data.ts(data.start.plus(Duration.ofHours(hours)));
    }

    /** Each row's columns joined by '|'; numbers as ClickHouse wrote them (integers without a fraction). */
    private static List<String> lines(JsonNode rows, String... columns) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                JsonNode v = r.get(c);
                cells.add(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && !v.isIntegralNumber()
                        ? Long.toString(v.asLong()) : v.asText());
            }
            out.add(String.join("|", cells));
        }
        return out;
    }
}
