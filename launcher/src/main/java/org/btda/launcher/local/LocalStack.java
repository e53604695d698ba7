package org.btda.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.launcher.BtdaVersion;
import org.btda.launcher.Service;
import org.btda.launcher.ServiceCatalog;
import org.btda.launcher.kafka.EmbeddedKafka;
import org.btda.launcher.kafka.FreePorts;
import org.btda.launcher.kafka.TopicBootstrap;
import org.btda.launcher.status.ClickHouseCounts;
import org.btda.launcher.status.StatusCounters;
import org.btda.launcher.status.StatusReporter;
import org.btda.report.Report;
import org.btda.report.ReportRequest;
import org.btda.report.ReportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code btda local}: embedded broker → topics → local ClickHouse (unless {@code clickhouse.url} is set) → migrations →
 * services (ClickHouse sink, stream-processor, evaluator, harvester). {@link #close()} stops the services in reverse order
 * (producers before their consumers, so accepted data is flushed), then the broker, then ClickHouse.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    static final Duration PER_COMPONENT_STOP = Duration.ofSeconds(30);
    static final Duration TOTAL_STOP = Duration.ofSeconds(120);
    static final int PREFERRED_CLICKHOUSE_HTTP = 8123;
    static final int PREFERRED_CLICKHOUSE_TCP = 9000;

    /**
     * listen.port 0 means "any free port", but the harvester announces the port the evaluator listens on, and both read
     * the one setting: the free port is chosen here, once, and handed to both (a small race until the evaluator binds).
     */
    static Settings fixListenPort(Settings s) {
        boolean listening = s.get(Settings.LISTEN_ENABLED);
        if (!listening || s.get(Settings.LISTEN_PORT) != 0) return s;
        String address = s.get(Settings.LISTEN_ADDRESS);
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.bind(address.isBlank() ? new java.net.InetSocketAddress(0)
                    : new java.net.InetSocketAddress(org.btda.common.net.Networks.parseLiteral(address), 0));
            int port = socket.getLocalPort();
            LOG.info("listen.port 0: listening on and announcing port {}", port);
            return s.with(Settings.LISTEN_PORT, port);
        } catch (IOException e) {
            throw new UncheckedIOException("no free listen port on " + (address.isBlank() ? "any address" : address), e);
        }
    }

    /** Broker and ClickHouse: stopped after the services, the run record and the exit summary. */
    private final Lifecycle lifecycle = new Lifecycle();
    private final Lifecycle services = new Lifecycle();
    private final List<Service> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The services' entries at /health/live and /health/ready; removed on stop. */
    private final List<AutoCloseable> health = new java.util.concurrent.CopyOnWriteArrayList<>();
    private StatusReporter status;
    private boolean ownsClickHouse;
    private String reportUrl = "off";
    private final List<String> notWired = new ArrayList<>();
    private Settings settings;
    private EmbeddedKafka kafka;
    private List<String> createdTopics = List.of();
    private Hooks.RunRecorder recorder;

    private final boolean standardPorts;

    private LocalStack(Settings settings, boolean standardPorts) {
        this.settings = settings;
        this.standardPorts = standardPorts;
    }

    /**
     * Runs until SIGINT/SIGTERM, or until one of the services dies while running (Kafka Streams in ERROR, a consumer or
     * scheduler loop ended): a process that keeps running with a dead part would count nothing while looking alive.
     * Exit codes as for a single service ({@link ServiceRunner}): 0 after a clean stop, 1 when starting or stopping
     * failed, {@value ServiceRunner#EXIT_DIED} when a service died; the run is then recorded as an unclean stop.
     */
    public static int run(Settings settings) {
        StopSignal signal = StopSignal.install();
        LocalStack stack;
        try {
            stack = start(settings, System.getenv());
        } catch (RuntimeException e) {
            LOG.error("btda local failed to start: {}", e.getMessage(), e);
            return 1;
        }
        LOG.info("btda local running: kafka {} clickhouse {}; live report {}; Ctrl-C stops", stack.bootstrapServers(),
                stack.clickhouseUrl(), stack.reportUrl());
        Optional<String> died = Optional.empty();
        try {
            died = ServiceRunner.awaitStopOrDeath(stack.running, signal.latch(), ServiceRunner.WATCH_INTERVAL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StopSignal.watchdog(TOTAL_STOP.toMillis());
        boolean clean = stack.stop(died.isEmpty());
        if (died.isPresent()) {
            LOG.error("btda local exits with {}: {}", ServiceRunner.EXIT_DIED, died.get());
            return ServiceRunner.EXIT_DIED;
        }
        return clean ? 0 : 1;
    }

    /** Starts everything; on failure, whatever was started is stopped again before the exception propagates. */
    public static LocalStack start(Settings settings, Map<String, String> env) {
        return start(settings, env, true);
    }

    /**
     * @param standardPorts give the local ClickHouse 8123/9000 when free (what a user expects to query); tests pass false to
     *                      always take free ports and stay out of other processes' way
     */
    static LocalStack start(Settings settings, Map<String, String> env, boolean standardPorts) {
        LocalStack stack = new LocalStack(settings, standardPorts);
        try {
            stack.startAll(env);
            return stack;
        } catch (RuntimeException e) {
            stack.stop();
            throw e;
        }
    }

    private void startAll(Map<String, String> env) {
        Path stateDir = settings.get(Settings.STATE_DIR).toAbsolutePath();
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state dir " + stateDir, e);
        }

        int brokerPort = portOf(settings.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
        kafka = lifecycle.add("kafka", EmbeddedKafka.builder(stateDir).brokerPort(brokerPort)
                .brokerProperty("num.partitions", Integer.toString(settings.get(Settings.KAFKA_PARTITIONS)))
                .build().start());
        settings = settings.with(Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());

        try (Admin admin = Admin.create(kafka.clientConfig())) {
            createdTopics = TopicBootstrap.ensure(admin, new Topics(KafkaConfig.from(settings)));
        }

        String url = settings.get(Settings.CLICKHOUSE_URL);
        if (url.isBlank()) {
            LocalClickHouse ch = LocalClickHouse.start(BtdaHome.find(env), stateDir.resolve("clickhouse"),
                    port(PREFERRED_CLICKHOUSE_HTTP), port(PREFERRED_CLICKHOUSE_TCP));
            // Stopped last, after the broker: the sink has flushed by then and nothing else writes to it.
            lifecycle.addClosedLast("clickhouse", ch);
            ownsClickHouse = true;
            settings = settings.with(Settings.CLICKHOUSE_URL, ch.jdbcUrl());
        }
        Hooks.applyMigrations(settings, settings.get(Settings.CLICKHOUSE_URL));
        settings = fixListenPort(settings);

        for (ServiceCatalog.Kind kind : ServiceCatalog.localOrder()) {
            List<Service> components = ServiceCatalog.create(kind, settings);
            if (components.isEmpty()) {
                notWired.add(kind.label());
                LOG.warn("{} is not wired into the launcher yet (ServiceCatalog.create); not started", kind.label());
            }
            for (Service s : components) {
                health.add(org.btda.common.health.HealthChecks.shared().register(kind.label() + "/" + s.name(), s::health));
                try {
                    s.start();
                } catch (Exception e) {
                    closeQuietly(s);
                    throw new IllegalStateException(s.name() + " failed to start: " + e.getMessage(), e);
                }
                services.add(s.name(), s);
                running.add(s);
                LOG.info("started {}", s.name());
            }
        }
        recorder = Hooks.runRecorder(settings, "local", ownsClickHouse);
        recorder.started(Instant.now(), settings.describe());
        status = StatusReporter.start(statusCounters(), settings.get(Settings.STATUS_INTERVAL));
        startLiveReport();
    }

    /** The live report (as `btda report --serve`) on loopback; btda runs on without it if it cannot listen. */
    private void startLiveReport() {
        try {
            ReportServer server = ReportServer.start(() -> Report.over(settings.get(Settings.CLICKHOUSE_URL),
                            settings.get(Settings.CLICKHOUSE_USER), settings.get(Settings.CLICKHOUSE_PASSWORD), BtdaVersion.get()),
                    ReportRequest.all().withRefresh(ReportServer.refreshSeconds(settings.get(Settings.STATS_INTERVAL))),
                    port(ReportServer.DEFAULT_PORT));
            lifecycle.add("report", server);
            reportUrl = server.url();
        } catch (IOException | RuntimeException e) {
            LOG.warn("live report not started: {}", e.getMessage());
        }
    }

    /** The live report's address, or "off" when it could not start. */
    public String reportUrl() {
        return reportUrl;
    }

    /** The figures of the status line, from the running services' counters and ClickHouse. */
    StatusCounters statusCounters() {
        String url = settings.get(Settings.CLICKHOUSE_URL);
        ClickHouseCounts ch = url.isBlank() ? null
                : new ClickHouseCounts(url, settings.get(Settings.CLICKHOUSE_USER), settings.get(Settings.CLICKHOUSE_PASSWORD));
        return new StatusCounters(() -> List.copyOf(running), ch);
    }

    /** Stops everything started so far, in reverse order. @return true when every component stopped cleanly in time. */
    public boolean stop() {
        return stop(true);
    }

    /** @param orderly false when a service died: the run is recorded as an unclean stop whatever the closing does */
    private synchronized boolean stop(boolean orderly) {
        long t0 = System.nanoTime();
        // Services first (they flush), then the summary and the run record while ClickHouse is still up, then the rest.
        boolean clean = services.closeAll(PER_COMPONENT_STOP);
        for (AutoCloseable h : health) {
            closeQuietly(h);
        }
        health.clear();
        if (status != null) {
            status.close();
            status = null;
        }
        if (recorder != null) {
            recorder.stopped(Instant.now(), clean && orderly);
            recorder = null;
        }
        clean &= lifecycle.closeAll(PER_COMPONENT_STOP);
        LOG.info("btda local stopped {} in {} ms", clean ? "cleanly" : "with errors", (System.nanoTime() - t0) / 1_000_000);
        return clean;
    }

    @Override
    public void close() {
        stop();
    }

    /** Effective settings: {@code kafka.bootstrap-servers} and {@code clickhouse.url} point at what is running. */
    public Settings settings() {
        return settings;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String clickhouseUrl() {
        return settings.get(Settings.CLICKHOUSE_URL);
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** Topics created by this start (empty when they all existed). */
    public List<String> createdTopics() {
        return createdTopics;
    }

    /** Services with no {@link ServiceCatalog} wiring yet; they were not started. */
    public List<String> notWired() {
        return List.copyOf(notWired);
    }

    /** Port of the first {@code host:port} in a bootstrap list; the embedded broker binds it on 127.0.0.1. */
    static int portOf(String bootstrapServers) {
        String first = bootstrapServers.split(",", 2)[0].strip();
        int colon = first.lastIndexOf(':');
        if (colon < 0 || colon == first.length() - 1) {
            throw new IllegalArgumentException("kafka.bootstrap-servers '" + bootstrapServers + "' has no port");
        }
        try {
            int port = Integer.parseInt(first.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka.bootstrap-servers '" + bootstrapServers + "' has a bad port", e);
        }
    }

    private int port(int preferred) {
        return standardPorts ? preferredOrFree(preferred) : FreePorts.loopback();
    }

    private static int preferredOrFree(int preferred) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), preferred));
            return preferred;
        } catch (IOException busy) {
            return FreePorts.loopback();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("close after failed start", e);
        }
    }
}
