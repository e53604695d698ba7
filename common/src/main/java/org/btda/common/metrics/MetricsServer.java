package org.btda.common.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.btda.common.health.Health;
import org.btda.common.health.HealthChecks;


/**
 * A tiny HTTP endpoint serving {@code GET /metrics} in the Prometheus text format from a registry, and
 * {@code /health/live} and {@code /health/ready} from {@link HealthChecks} (200 or 503 with a one-line reason, for
 * container health checks and restart policies). One thread: scrapes and probes are rare and cheap.
 * {@link #shared(MetricsConfig)} gives the JVM's one server for {@code metrics.port}, so several
 * services of one process ({@code btda local}) share it; it is reference-counted and stops with the last user.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Object LOCK = new Object();
    private static MetricsServer shared;
    private static int sharedUsers;

    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean isShared;

    private MetricsServer(InetSocketAddress bind, PrometheusMeterRegistry registry, HealthChecks health, boolean isShared)
            throws IOException {
        this.isShared = isShared;
        this.server = HttpServer.create(bind, 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> serve(ex, registry));
        server.createContext("/health/live", ex -> {
            Health h = health.live();
            serve(ex, h.live(), h.reason());
        });
        server.createContext("/health/ready", ex -> {
            Health h = health.ready();
            serve(ex, h.ready(), h.reason());
        });
        server.start();
    }

    /** A private server (tests); port 0 = any free one, see {@link #port()}. */
    public static MetricsServer start(InetAddress address, int port, PrometheusMeterRegistry registry) throws IOException {
        return start(address, port, registry, new HealthChecks());
    }

    /** A private server (tests) answering the health endpoints from {@code health}. */
    public static MetricsServer start(InetAddress address, int port, PrometheusMeterRegistry registry, HealthChecks health)
            throws IOException {
        return new MetricsServer(new InetSocketAddress(address, port), registry, health, false);
    }

    /**
     * The JVM's shared server on {@code metrics.address}:{@code metrics.port} over {@link Metrics#registry()}, started
     * by the first caller; {@code null} when the endpoint is off (port 0). Close it once per successful call.
     */
    public static MetricsServer shared(MetricsConfig config) {
        if (!config.enabled()) return null;
        synchronized (LOCK) {
            if (shared == null) {
                try {
                    shared = new MetricsServer(new InetSocketAddress(config.address(), config.port()), Metrics.registry(),
                            HealthChecks.shared(), true);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot serve metrics on port " + config.port() + ": " + e.getMessage(), e);
                }
            }
            sharedUsers++;
            return shared;
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange ex, PrometheusMeterRegistry registry) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, "HEAD".equals(ex.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(ex.getRequestMethod())) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** 200 or 503 with {@code reason} as a one-line plain-text body. */
    private static void serve(HttpExchange ex, boolean ok, String reason) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(ok ? 200 : 503, "HEAD".equals(ex.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(ex.getRequestMethod())) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        if (isShared) {
            synchronized (LOCK) {
                if (--sharedUsers > 0) return;
                shared = null;
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
