package org.btda.sink.queries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs SQL over ClickHouse's HTTP interface exactly as sql/queries/README.md tells users to
 * ({@code curl 'http://host:8123/?param_x=...' --data-binary @file.sql}), and reads TabSeparatedWithNames.
 */
final class HttpQueries {
    /** The test data set is tiny; a bigger answer means a query lost its filter. */
    private static final int MAX_RESPONSE_CHARS = 1 << 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    HttpQueries(int port) {
        this.port = port;
    }

    /** Rows as column name → TSV value ({@code \N} = NULL), in the order the query returns them. */
    List<Map<String, String>> select(String sql, Map<String, String> params) {
        StringBuilder url = new StringBuilder("http://127.0.0.1:" + port + "/?default_format=TabSeparatedWithNames");
        params.forEach((k, v) -> url.append("&param_").append(k).append('=').append(enc(v)));
        String body = post(url.toString(), sql);
        String[] lines = body.split("\n");
        List<Map<String, String>> rows = new ArrayList<>();
        if (body.isEmpty()) {
            return rows;
        }
        String[] names = lines[0].split("\t", -1);
        for (int i = 1; i < lines.length; i++) {
            String[] values = lines[i].split("\t", -1);
            if (values.length != names.length) {
                throw new IllegalStateException("row " + i + " has " + values.length + " columns: " + lines[i]);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < names.length; c++) {
                row.put(names[c], values[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Inserts JSONEachRow lines into a table. */
    void insert(String table, List<String> jsonRows) {
        String sql = "INSERT INTO " + table + " FORMAT JSONEachRow\n" + String.join("\n", jsonRows);
        post("http://127.0.0.1:" + port + "/", sql);
    }

    private String post(String url, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse answered " + resp.statusCode() + ": " + resp.body());
            }
            if (resp.body().length() > MAX_RESPONSE_CHARS) {
                throw new IllegalStateException("answer larger than " + MAX_RESPONSE_CHARS + " characters");
            }
            return resp.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
