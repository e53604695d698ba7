package org.btda.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live report on loopback: {@code GET /} is the same page as {@code btda report --out}, built afresh from
 * ClickHouse on every request and reloading itself every refresh interval; {@code GET /data.json} is the data behind
 * it. One request at a time: each runs every figure's query, and a second viewer need not double the load.
 */
public final class ReportServer implements AutoCloseable {
    /** Where {@code btda report --serve} and {@code btda local} serve the page unless told otherwise (or taken). */
    public static final int DEFAULT_PORT = 8321;
    private static final Logger LOG = LoggerFactory.getLogger(ReportServer.class);
    private final HttpServer http;
    private final ExecutorService executor;

    private ReportServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Serves on 127.0.0.1:{@code port} (0 = any free port); refreshes every {@code request.refreshSeconds()}. */
    public static ReportServer start(Supplier<Report> report, ReportRequest request, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "btda-report-http");
            t.setDaemon(true);
            return t;
        });
        http.createContext("/", ex -> {
            switch (ex.getRequestURI().getPath()) {
                case "/", "/index.html" -> answer(ex, "text/html; charset=utf-8", () -> report.get().html(request));
                case "/data.json" -> answer(ex, "application/json", () -> report.get().data(request));
                default -> send(ex, 404, "text/plain; charset=utf-8", "not found\n");
            }
        });
        http.setExecutor(executor);
        http.start();
        return new ReportServer(http, executor);
    }

    /** The live page reloads once per statistics interval, at most every 10 s (a short test interval stays light). */
    public static int refreshSeconds(java.time.Duration statsInterval) {
        return (int) Math.max(10, statsInterval.toSeconds());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    private static void answer(HttpExchange ex, String type, Supplier<String> body) throws IOException {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            send(ex, 405, "text/plain; charset=utf-8", "GET only\n");
            return;
        }
        String text;
        try {
            text = body.get();
        } catch (RuntimeException e) {
            // ClickHouse down or a query failing: say so on the page; the next refresh tries again
            LOG.warn("report: {}", e.getMessage());
            send(ex, 503, "text/plain; charset=utf-8", "report unavailable: " + e.getMessage() + "\n");
            return;
        }
        send(ex, 200, type, text);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
