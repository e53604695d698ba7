package org.btda.launcher.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.btda.common.config.Settings;
import org.btda.common.health.Health;
import org.btda.common.health.HealthChecks;
import org.btda.common.metrics.MetricsConfig;
import org.btda.common.metrics.MetricsServer;
import org.btda.launcher.Service;
import org.btda.launcher.ServiceCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code btda harvester|evaluator|stream-processor}: one service against existing infrastructure, until SIGINT/SIGTERM or
 * until a component can no longer do its job. Its components (the topic check, then the service) report their health
 * at {@code /health/live} and {@code /health/ready} on the metrics endpoint from before they start.
 *
 * <p>Exit codes: 0 after an orderly stop; 1 when a component fails to start (e.g. Kafka or ClickHouse not answering within
 * {@code startup.wait}, a topic with the wrong partition count) or does not stop cleanly; {@value #EXIT_DIED} when a
 * component died while running (Kafka Streams in ERROR, a consumer or scheduler loop ended), so a restart policy starts a
 * fresh process instead of one idling.
 */
public final class ServiceRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
    public static final int EXIT_DIED = 4;
    /** How often the running components are asked whether they are alive. */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    private final ServiceCatalog.Kind kind;
    private final List<Service> components;
    private final Lifecycle lifecycle = new Lifecycle();
    private final List<AutoCloseable> registrations = new ArrayList<>();
    private final MetricsServer metricsServer;

    /** Registers the components' health with {@code checks} and opens the metrics endpoint (when metrics.port is set). */
    ServiceRunner(ServiceCatalog.Kind kind, List<Service> components, MetricsConfig metrics, HealthChecks checks) {
        this.kind = kind;
        this.components = List.copyOf(components);
        for (Service s : this.components) {
            registrations.add(checks.register(s.name(), s::health));
        }
        this.metricsServer = MetricsServer.shared(metrics);
    }

    public static int runAlone(ServiceCatalog.Kind kind, Settings settings) throws InterruptedException {
        List<Service> components = ServiceCatalog.create(kind, settings);
        StopSignal signal = StopSignal.install();
        try (ServiceRunner runner = new ServiceRunner(kind, components, MetricsConfig.from(settings), HealthChecks.shared())) {
            try {
                runner.start();
            } catch (Exception e) {
                return 1;
            }
            // The stream-processor is the one standalone service that writes to ClickHouse, so it records the run.
            Hooks.RunRecorder recorder = kind == ServiceCatalog.Kind.STREAM_PROCESSOR
                    && !settings.get(Settings.CLICKHOUSE_URL).isBlank()
                    ? Hooks.runRecorder(settings, kind.label(), false) : null;
            if (recorder != null) {
                recorder.started(Instant.now(), settings.describe());
            }
            LOG.info("{} running against {}; Ctrl-C stops", kind.label(), settings.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
            Optional<String> died = runner.awaitStopOrDeath(signal.latch(), WATCH_INTERVAL);
            StopSignal.watchdog(LocalStack.TOTAL_STOP.toMillis());
            boolean clean = runner.stop();
            if (recorder != null) {
                recorder.stopped(Instant.now(), clean && died.isEmpty());
            }
            if (died.isPresent()) {
                LOG.error("{} exits with {}: {}", kind.label(), EXIT_DIED, died.get());
                return EXIT_DIED;
            }
            return clean ? 0 : 1;
        }
    }

    /** Starts the components in order; on a failure stops what started and rethrows. */
    void start() throws Exception {
        for (Service s : components) {
            try {
                s.start();
                lifecycle.add(s.name(), s);
            } catch (Exception e) {
                LOG.error("{} failed to start: {}", s.name(), e.getMessage(), e);
                lifecycle.add(s.name(), s);
                lifecycle.closeAll(LocalStack.PER_COMPONENT_STOP);
                throw e;
            }
        }
    }

    /**
     * Blocks until {@code stop} is released (a signal) or a component reports itself dead.
     *
     * @return the dead component and its reason, or empty when a stop was requested
     */
    Optional<String> awaitStopOrDeath(CountDownLatch stop, Duration interval) throws InterruptedException {
        return awaitStopOrDeath(components, stop, interval);
    }

    /** The same watch for any running services; {@code btda local} uses it for all of its services. */
    static Optional<String> awaitStopOrDeath(List<Service> components, CountDownLatch stop, Duration interval)
            throws InterruptedException {
        while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
            for (Service s : components) {
                Health h = s.health();
                if (!h.live()) {
                    return Optional.of(s.name() + ": " + h.reason());
                }
            }
        }
        return Optional.empty();
    }

    /** Stops the started components in reverse order. @return true when each stopped cleanly in time */
    boolean stop() {
        return lifecycle.closeAll(LocalStack.PER_COMPONENT_STOP);
    }

    ServiceCatalog.Kind kind() {
        return kind;
    }

    /** Stops what is still running, removes the health registrations and releases the metrics endpoint. */
    @Override
    public void close() {
        stop();
        for (AutoCloseable r : registrations) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("health registration", e);
            }
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
    }
}
