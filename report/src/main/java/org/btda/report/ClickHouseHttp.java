package org.btda.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a study query over ClickHouse's HTTP interface exactly as sql/queries/README.md tells users to (the query as
 * the body, each parameter a {@code param_<name>} URL argument) and returns the server's {@code JSON} output as text.
 * The report never parses rows in the JVM: the answer is embedded into the page as it comes.
 */
public final class ClickHouseHttp {
    /** Every figure's query aggregates; an answer this large means a query lost its aggregation or its filter. */
    private static final int MAX_RESPONSE_BYTES = 64 << 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String user;
    private final String password;
    private final Duration timeout;

    public ClickHouseHttp(URI base, String user, String password, Duration timeout) {
        this.base = base;
        this.user = user == null || user.isEmpty() ? "default" : user;
        this.password = password == null ? "" : password;
        this.timeout = timeout;
    }

    /**
     * The server behind {@code url}: {@code http://host:8123}, or the JDBC form btda's clickhouse.url setting uses
     * ({@code jdbc:clickhouse://host:8123/btda}; clickhouse-jdbc 0.9 speaks HTTP, so it names the same port).
     */
    public static URI httpBase(String url) {
        String u = url.strip();
        if (u.startsWith("jdbc:")) {
            u = u.substring("jdbc:".length());
        }
        if (u.startsWith("clickhouse://")) {
            u = "http://" + u.substring("clickhouse://".length());
        } else if (u.startsWith("ch://")) {
            u = "http://" + u.substring("ch://".length());
        }
        URI uri = URI.create(u);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("not a ClickHouse URL (http://host:8123 or jdbc:clickhouse://host:8123/db): "
                    + url);
        }
        int port = uri.getPort() < 0 ? 8123 : uri.getPort();
        return URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port + "/");
    }

    public URI base() {
        return base;
    }

    /** The query's answer in ClickHouse's JSON format ({@code meta}, {@code data}, {@code rows}, ...). */
    public String selectJson(String sql, Map<String, String> params) {
        StringBuilder url = new StringBuilder(base.toString())
                .append("?default_format=JSON&output_format_json_quote_64bit_integers=0")
                .append("&output_format_json_quote_decimals=0");
        params.forEach((k, v) -> url.append("&param_").append(enc(k)).append('=').append(enc(v)));
        return post(url.toString(), sql);
    }

    /** Runs a statement without an answer (inserts and DDL of the benchmark and tests). */
    public void execute(String sql) {
        post(base.toString(), sql);
    }

    private String post(String url, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("X-ClickHouse-User", user).header("X-ClickHouse-Key", password)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            String text = new String(resp.body(), StandardCharsets.UTF_8);
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse at " + base + " answered " + resp.statusCode() + ": "
                        + text.strip());
            }
            if (resp.body().length > MAX_RESPONSE_BYTES) {
                throw new IllegalStateException("answer larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("ClickHouse at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
