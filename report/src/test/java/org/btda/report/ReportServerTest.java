package org.btda.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code btda report --serve}: answers on loopback, and its numbers follow the rows ClickHouse gets. */
class ReportServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheLivePageOnLoopbackAndItsNumbersFollowNewRows() throws Exception {
        ReportFixture fx = ReportFixture.get();
        // a torrent of its own, so the other tests' rows do not move these numbers
        String torrent = "aa" + ReportDataset.hex(19);
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        ReportRequest request = new ReportRequest(List.of(torrent), hour.minus(Duration.ofHours(2)),
                hour.plus(Duration.ofHours(1)), 20, 15, 0).withRefresh(300);
        try (ReportServer server = ReportServer.start(() -> new Report(fx.ch, "test"), request, 0)) {
            assertThat(server.url()).startsWith("http://127.0.0.1:");

            HttpResponse<String> page = get(server.url());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<meta http-equiv=\"refresh\" content=\"300\">").contains("id=\"report-check\"");
            assertThat(downloads(server, torrent)).isZero();

            insertDownload(fx, torrent, "first", hour.plusSeconds(60));
            assertThat(downloads(server, torrent)).isEqualTo(1);
            insertDownload(fx, torrent, "second", hour.plusSeconds(120));
            insertDownload(fx, torrent, "third", hour.minusSeconds(1800));
            assertThat(downloads(server, torrent)).isEqualTo(3);
            assertThat(get(server.url() + "nothing-here").statusCode()).isEqualTo(404);
        }
    }

    /** The 'all' downloads of the live data, summed over hours. */
    private long downloads(ReportServer server, String torrent) throws Exception {
        HttpResponse<String> data = get(server.url() + "data.json");
        assertThat(data.statusCode()).isEqualTo(200);
        JsonNode root = ReportFixture.JSON.readTree(data.body());
        assertThat(root.get("torrents").get(0).asText()).isEqualTo(torrent);
        long sum = 0;
        for (JsonNode r : root.get("queries").get("downloads_per_hour").get("result").get("data")) {
            if (r.get("torrent").asText().equals("all")) {
                sum += r.get("downloads").asLong();
            }
        }
        return sum;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void insertDownload(ReportFixture fx, String torrent, String peer, Instant crossed) {
        fx.ch.execute("INSERT INTO btda.confirmed_downloads FORMAT JSONEachRow\n{\"info_hash\":\"" + torrent
                + "\",\"peer_key\":\"" + fx.data.key(peer) + "\",\"crossed_at\":\"" + ReportDataset.TS.format(crossed)
                + "\",\"last_below_at\":\"" + ReportDataset.TS.format(crossed.minusSeconds(60))
                + "\",\"pieces_below\":1,\"pieces_at_crossing\":100,\"total_pieces\":100,\"threshold\":0.98,\"version\":1}");
    }
}
