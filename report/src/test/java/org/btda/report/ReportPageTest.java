package org.btda.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the report over the {@link ReportDataset} in a real ClickHouse, renders it in headless Chromium and checks,
 * from what the page drew (its report-check summary of every chart's series), that each figure holds the query's
 * values, and that the page fetched nothing.
 */
class ReportPageTest {
    private static ReportFixture fx;
    private static ReportDataset data;
    private static String html;
    private static JsonNode check;
    private static Path page;

    @BeforeAll
    static void render() throws Exception {
        fx = ReportFixture.get();
        data = fx.data;
        html = new Report(fx.ch, "test").html(fx.request());
        Path dir = Path.of(System.getProperty("btda.report.out", "target/report-test")).toAbsolutePath();
        Files.createDirectories(dir);
        page = dir.resolve("report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        check = ReportFixture.JSON.readTree(HeadlessChromium.reportCheck(HeadlessChromium.dumpDom(page)));
    }

    @Test
    void pageIsSelfContainedAndFetchesNothing() {
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "script-src 'unsafe-inline'; style-src 'unsafe-inline';");
        // no element outside the embedded scripts names something to load
        String markup = html.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
        assertThat(markup).doesNotContainPattern("(src|href|srcset|data)=");
        assertThat(check.get("resources")).as("performance.getEntriesByType('resource')").isEmpty();
        assertThat(check.get("errors")).as("script errors").isEmpty();
    }

    @Test
    void hourlyDownloadsAreTheQuerysCountsWithDowntimeShaded() throws Exception {
        Map<String, Map<Long, Long>> fromQuery = new TreeMap<>();
        for (JsonNode r : fx.query("downloads_per_hour.sql", Map.of())) {
            fromQuery.computeIfAbsent(r.get("torrent").asText(), k -> new TreeMap<>())
                    .put(ReportFixture.millis(r.get("hour").asText()), r.get("downloads").asLong());
        }
        Map<String, Map<Long, Long>> drawn = new TreeMap<>();
        for (JsonNode s : series("chart-downloads-per-hour")) {
            String name = s.get("name").asText();
            String torrent = name.equals("all torrents") ? "all"
                    : data.torrents.stream().filter(t -> name.contains("(" + t.substring(0, 8) + ")")).findFirst().orElseThrow();
            drawn.put(torrent, nonZeroPoints(s));
        }
        assertThat(drawn).isEqualTo(fromQuery);
        // and what the data set implies
        Map<String, Map<Long, Long>> expected = new TreeMap<>();
        data.downloadsPerHour.forEach((t, hours) -> {
            Map<Long, Long> m = new TreeMap<>();
            hours.forEach((h, n) -> m.put(h.toEpochMilli(), (long) n));
            expected.put(t, m);
        });
        assertThat(drawn).isEqualTo(expected);
        assertThat(drawn.keySet()).hasSize(4);

        JsonNode all = series("chart-downloads-per-hour").get(series("chart-downloads-per-hour").size() - 1);
        assertThat(all.get("name").asText()).isEqualTo("all torrents");
        List<String> shaded = new java.util.ArrayList<>();
        all.get("markArea").forEach(a -> shaded.add(a.get("from").asLong() + "-" + a.get("to").asLong() + " " + a.get("name").asText()));
        assertThat(shaded).containsExactly(
                hour(20) + "-" + hour(22) + " stopped",
                hour(30) + "-" + hour(33) + " unclean stop");
        // no download fell into the downtime the data set defines
        assertThat(drawn.get("all").keySet()).noneMatch(h -> h >= hour(20) && h < hour(22) || h >= hour(30) && h < hour(33));
    }

    @Test
    void mapsHoldPerCountryValuesOfADirectQuery() throws Exception {
        String torrents = "('" + String.join("','", data.torrents) + "')";
        String window = "'" + data.ts(data.start) + "' AND '" + data.ts(data.end.minusMillis(1)) + "'";
        Map<String, Long> downloads = new TreeMap<>();
        for (JsonNode r : fx.sql("SELECT p.country AS country, count() AS n FROM btda.confirmed_downloads AS d FINAL"
                + " INNER JOIN (SELECT info_hash, peer_key, country FROM btda.peers FINAL) AS p USING (info_hash, peer_key)"
                + " WHERE toString(d.info_hash) IN " + torrents + " AND d.crossed_at BETWEEN " + window
                + " GROUP BY country")) {
            downloads.put(r.get("country").asText(), r.get("n").asLong());
        }
        Map<String, Long> drawnDownloads = new TreeMap<>();
        // ECharts lists every region of the map; those without a value carry no data
        series("chart-map-downloads").get(0).get("data").forEach(d -> {
            if (d.path("value").isNumber()) {
                drawnDownloads.put(d.get("name").asText(), d.get("value").asLong());
            }
        });
        assertThat(drawnDownloads).isEqualTo(downloads).hasSizeGreaterThanOrEqualTo(10);
        Map<String, Long> expected = new TreeMap<>();
        data.downloadsByCountry.forEach((c, n) -> expected.put(c, (long) n));
        assertThat(drawnDownloads).isEqualTo(expected);

        Map<String, Double> medians = new TreeMap<>();
        for (JsonNode r : fx.sql("SELECT country, quantileExact(0.5)(max_speed_bps) AS m FROM btda.peers FINAL"
                + " WHERE toString(info_hash) IN " + torrents + " AND last_seen_at BETWEEN " + window
                + " AND max_speed_bps > 0 GROUP BY country")) {
            medians.put(r.get("country").asText(), r.get("m").asDouble());
        }
        Map<String, Double> drawnSpeed = new TreeMap<>();
        series("chart-map-speed").get(0).get("data").forEach(d -> {
            if (d.path("value").isNumber()) {
                drawnSpeed.put(d.get("name").asText(), d.get("value").asDouble());
            }
        });
        assertThat(drawnSpeed).isEqualTo(medians).hasSize(12);
        data.speedsByCountry.forEach((c, v) -> assertThat(drawnSpeed.get(c)).as(c).isEqualTo(ReportDataset.median(v)));
    }

    @Test
    void tablesByContinentAndCity() {
        Map<String, String> continents = new TreeMap<>();
        check.get("tables").get("table-continents").forEach(r -> continents.put(r.get(0).asText(), r.get(1).asText()));
        Map<String, String> expected = new TreeMap<>();
        ReportDataset.COUNTRIES.forEach(c -> expected.put(c.continent(), "0")); // peers but no download count too
        data.downloadsByContinent.forEach((c, n) -> expected.put(c, Integer.toString(n)));
        expected.put("unknown", Integer.toString(data.unknownPlaceDownloads));
        assertThat(continents).isEqualTo(expected);
        JsonNode cities = check.get("tables").get("table-cities");
        assertThat(cities).hasSize(13); // 12 cities and the unknown place
        assertThat(cities.get(0).get(2).asInt()).isGreaterThanOrEqualTo(cities.get(1).get(2).asInt());
    }

    @Test
    void discoveriesPerHourBySourceNewAgainstDuplicate() {
        Map<String, Long> drawn = new TreeMap<>();
        for (JsonNode s : series("chart-discoveries-per-hour")) {
            String[] name = s.get("name").asText().split(" ");
            nonZeroPoints(s).forEach((h, n) -> drawn.put(h + "|" + name[0] + "|" + name[1], n));
        }
        Map<String, Long> expected = new TreeMap<>();
        data.discoveriesByHourSource.forEach((k, v) -> {
            if (v[0] > 0) {
                expected.put(k + "|new", (long) v[0]);
            }
            if (v[1] > 0) {
                expected.put(k + "|duplicate", (long) v[1]);
            }
        });
        assertThat(drawn).isEqualTo(expected);
        assertThat(series("chart-discoveries-per-hour")).extracting(s -> s.get("name").asText())
                .contains("tracker new", "dht duplicate", "pex duplicate");
    }

    @Test
    void networksTellHostersFromConsumerIsps() {
        Map<String, Long> byAsn = new TreeMap<>();
        Map<String, String> kind = new TreeMap<>();
        JsonNode chart = check.get("charts").get("chart-asn-downloads");
        for (JsonNode s : chart.get("series")) {
            for (int i = 0; i < s.get("data").size(); i++) {
                JsonNode v = s.get("data").get(i);
                if (v.isNumber()) {
                    String asn = chart.get("categories").get(i).asText().split(" ")[0];
                    byAsn.put(asn, v.asLong());
                    kind.put(asn, s.get("name").asText());
                }
            }
        }
        Map<String, Long> expected = new TreeMap<>();
        data.downloadsByAsn.forEach((a, n) -> expected.put("AS" + a, (long) n));
        assertThat(byAsn).isEqualTo(expected);
        assertThat(kind).containsEntry("AS24940", "hosting").containsEntry("AS16276", "hosting")
                .containsEntry("AS3320", "consumer").containsEntry("AS7922", "consumer").containsEntry("AS4713", "consumer");
        assertThat(check.get("charts").get("chart-domain-peers").get("categories")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("t-ipconnect.de", "comcast.net", "ocn.ne.jp", "your-server.de", "ovh.net");
    }

    @Test
    void clientsFigureHoldsTheQuerysDownloadsPerClient() throws Exception {
        Map<String, Long> fromQuery = new LinkedHashMap<>(); // in the query's order: most downloads first
        for (JsonNode r : fx.query("downloads_by_client.sql", Map.of())) {
            fromQuery.put(r.get("client_name").asText(), r.get("downloads").asLong());
        }
        JsonNode chart = check.get("charts").get("chart-clients");
        assertThat(chart).as("chart-clients drawn").isNotNull();
        Map<String, Long> drawn = new LinkedHashMap<>();
        for (int i = 0; i < chart.get("categories").size(); i++) {
            drawn.put(chart.get("categories").get(i).asText(), chart.get("series").get(0).get("data").get(i).asLong());
        }
        assertThat(drawn).containsExactlyEntriesOf(fromQuery);
        // and what the data set implies: four named clients, the ghost's own, and peers that never named theirs
        Map<String, Long> expected = new TreeMap<>();
        data.downloadsByClient.forEach((c, n) -> expected.put(c, (long) n));
        assertThat(new TreeMap<>(drawn)).isEqualTo(expected).containsKeys("unknown", ReportDataset.GHOST_CLIENT).hasSize(6);
        assertThat(drawn.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(data.downloadsPerHour.get("all").values().stream().mapToLong(Integer::longValue).sum());

        Map<String, Long> table = new LinkedHashMap<>();
        check.get("tables").get("table-clients").forEach(r -> table.put(r.get(0).asText(), r.get(1).asLong()));
        assertThat(table).containsExactlyEntriesOf(fromQuery);
    }

    @Test
    void filesFigureDrawsEveryFileOfTheMultiFileTorrentWithItsDownloads() throws Exception {
        JsonNode chart = check.get("charts").get("chart-files-0");
        assertThat(chart).as("chart-files-0 drawn").isNotNull();
        assertThat(check.get("charts").get("chart-files-1")).as("only the one multi-file torrent").isNull();
        Map<String, Long> drawn = new LinkedHashMap<>();
        for (int i = 0; i < chart.get("categories").size(); i++) {
            drawn.put(chart.get("categories").get(i).asText(), chart.get("series").get(0).get("data").get(i).asLong());
        }
        Map<String, Long> expected = new LinkedHashMap<>();      // metainfo order, padding file left out, 0 kept
        for (int f = 0; f < data.packFiles.size(); f++) expected.put(data.packFiles.get(f), (long) data.packFileDownloads.get(f));
        assertThat(drawn).containsExactlyEntriesOf(expected);
        Map<String, Long> fromQuery = new LinkedHashMap<>();
        for (JsonNode r : fx.query("downloads_per_file.sql", Map.of())) fromQuery.put(r.get("path").asText(), r.get("downloads").asLong());
        assertThat(drawn).containsExactlyEntriesOf(fromQuery);
    }

    @Test
    void perTorrentFigures() throws Exception {
        Map<String, List<String>> rows = new HashMap<>();
        check.get("tables").get("table-torrents").forEach(r -> {
            List<String> cells = new java.util.ArrayList<>();
            r.forEach(c -> cells.add(c.asText()));
            rows.put(cells.get(0), cells);
        });
        assertThat(rows).hasSize(3);
        for (int t = 0; t < 3; t++) {
            String torrent = data.torrents.get(t);
            List<String> r = rows.get(data.names.get(t) + " (" + torrent.substring(0, 8) + ")");
            long confirmed = data.downloadsPerHour.get(torrent).values().stream().mapToLong(Integer::longValue).sum();
            int[] fc = data.firstContactsByTorrent.get(torrent);
            assertThat(r.get(1)).isEqualTo(Long.toString(confirmed));
            assertThat(r.get(2)).isEqualTo("100" .replace("100", Integer.toString(100 + 20 * (t + 1))));
            assertThat(r.get(3)).isEqualTo(Integer.toString(20 * (t + 1)));
            assertThat(r.get(5)).isEqualTo(Integer.toString(data.uniquePeersByTorrent.get(torrent)));
            assertThat(r.get(7)).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * Math.round(10000.0 * fc[1] / fc[0]) / 10000));
        }
        JsonNode bars = series("chart-torrents");
        assertThat(bars).extracting(s -> s.get("name").asText())
                .containsExactly("confirmed downloads", "scraped completed (growth in window)");
    }

    @Test
    void contactOutcomesAndGapWithTheNetworkTimeoutMarked() throws Exception {
        JsonNode outcomes = check.get("charts").get("chart-contact-outcomes");
        Map<String, Long> drawn = new TreeMap<>();
        for (int i = 0; i < outcomes.get("categories").size(); i++) {
            drawn.put(outcomes.get("categories").get(i).asText(), outcomes.get("series").get(0).get("data").get(i).asLong());
        }
        assertThat(drawn).containsEntry("timeout · CONNECT_TIMEOUT", 4L).containsEntry("refused · REFUSED", 4L)
                .containsEntry("other · PROTOCOL_VIOLATION", 4L).containsEntry("success", 60L);

        JsonNode gap = series("chart-longest-gap");
        assertThat(gap.get(1).get("markLine")).hasSize(1);
        assertThat(gap.get(1).get("markLine").get(0).get("xAxis").asLong()).isEqualTo(6000);
        long sessions = 0;
        for (JsonNode p : gap.get(0).get("data")) {
            sessions += p.get(1).asLong();
        }
        // successful observations: every peer's second one, and the first of those whose first contact succeeded
        assertThat(sessions).isEqualTo(ReportDataset.PEERS + 60);
    }

    @Test
    void speedCdfRisesToAllPeers() {
        JsonNode points = series("chart-speed-cdf").get(0).get("data");
        assertThat(points.size()).isGreaterThan(5);
        double prev = 0;
        for (JsonNode p : points) {
            assertThat(p.get(1).asDouble()).isGreaterThan(prev);
            prev = p.get(1).asDouble();
        }
        assertThat(prev).isEqualTo(1.0);
        double max = data.speeds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(points.get(points.size() - 1).get(0).asDouble()).isGreaterThan(max);
    }

    @Test
    void headerSaysWhatWasMeasured() {
        Map<String, String> meta = new TreeMap<>();
        check.get("tables").get("header-meta").forEach(r -> meta.put(r.get(0).asText(), r.get(1).asText()));
        assertThat(meta.get("Torrents")).contains(data.names);
        assertThat(meta.get("Runs")).startsWith("3 run(s)");
        assertThat(meta.get("btda version")).isEqualTo("0.1.0-test (local)");
        assertThat(meta.get("Completion threshold")).isEqualTo("98.0 %");
        assertThat(meta.get("Network timeout")).isEqualTo("6 s");
        assertThat(meta.get("Window")).contains(data.ts(data.start));
    }

    @Test
    void screenshotForTheReadme() throws Exception {
        Path png = page.resolveSibling("report.png");
        HeadlessChromium.screenshot(page, png, 1000, 1300);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    // ---- helpers ----

    private static JsonNode series(String chart) {
        JsonNode c = check.get("charts").get(chart);
        assertThat(c).as("chart %s drawn", chart).isNotNull();
        return c.get("series");
    }

    private static Map<Long, Long> nonZeroPoints(JsonNode series) {
        Map<Long, Long> m = new TreeMap<>();
        series.get("data").forEach(p -> {
            if (p.get(1).asLong() != 0) {
                m.put(p.get(0).asLong(), p.get(1).asLong());
            }
        });
        return m;
    }

    private static long hour(int h) {
        return data.start.plus(Duration.ofHours(h)).toEpochMilli();
    }
}
