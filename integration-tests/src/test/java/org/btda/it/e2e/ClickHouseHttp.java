package org.btda.it.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain SQL over ClickHouse's HTTP interface on 127.0.0.1 (the stack's local ClickHouse); results as TSV rows. */
final class ClickHouseHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .proxy(java.net.ProxySelector.of(null)).build();
    private static final int MAX_RESPONSE_CHARS = 16 << 20;

    private final URI uri;

    private ClickHouseHttp(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** From the stack's {@code jdbc:clickhouse://127.0.0.1:PORT} URL (the local ClickHouse serves HTTP there). */
    static ClickHouseHttp fromJdbcUrl(String jdbcUrl) {
        String rest = jdbcUrl.substring(jdbcUrl.lastIndexOf(':') + 1);
        int slash = rest.indexOf('/');
        return new ClickHouseHttp(Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash)));
    }

    String query(String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException("ClickHouse answered " + r.statusCode() + " to " + sql + ": " + r.body());
        }
        if (r.body().length() > MAX_RESPONSE_CHARS) {
            throw new IOException("ClickHouse answer over " + MAX_RESPONSE_CHARS + " chars for " + sql);
        }
        return r.body().strip();
    }

    /** TSV rows, each split on tabs (the queries here select no values with tabs or escapes). */
    List<String[]> rows(String sql) throws IOException, InterruptedException {
        List<String[]> out = new ArrayList<>();
        String body = query(sql + " FORMAT TSV");
        if (body.isEmpty()) {
            return out;
        }
        for (String line : body.split("\n")) {
            out.add(line.split("\t", -1));
        }
        return out;
    }

    long count(String sql) throws IOException, InterruptedException {
        return Long.parseLong(query(sql));
    }
}
