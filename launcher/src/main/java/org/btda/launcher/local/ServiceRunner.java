package org.btda.launcher.local;

import java.time.Instant;
import java.util.List;

import org.btda.common.config.Settings;
import org.btda.launcher.Service;
import org.btda.launcher.ServiceCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code btda harvester|evaluator|stream-processor}: one service against existing infrastructure, until SIGINT/SIGTERM. */
public final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {
    }

    public static int runAlone(ServiceCatalog.Kind kind, Settings settings) throws InterruptedException {
        List<Service> components = ServiceCatalog.create(kind, settings);
        if (components.isEmpty()) {
            LOG.error("{} is not available in this build (not wired in ServiceCatalog)", kind.label());
            return 3;
        }
        StopSignal signal = StopSignal.install();
        Lifecycle lifecycle = new Lifecycle();
        for (Service s : components) {
            try {
                s.start();
                lifecycle.add(s.name(), s);
            } catch (Exception e) {
                LOG.error("{} failed to start: {}", s.name(), e.getMessage(), e);
                lifecycle.add(s.name(), s);
                lifecycle.closeAll(LocalStack.PER_COMPONENT_STOP);
                return 1;
            }
        }
        // The stream-processor is the one standalone service that writes to ClickHouse, so it records the run.
        Hooks.RunRecorder recorder = kind == ServiceCatalog.Kind.STREAM_PROCESSOR
                && !settings.get(Settings.CLICKHOUSE_URL).isBlank()
                ? Hooks.runRecorder(settings, kind.label(), false) : null;
        if (recorder != null) {
            recorder.started(Instant.now(), settings.describe());
        }
        LOG.info("{} running against {}; Ctrl-C stops", kind.label(), settings.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
        signal.await();
        StopSignal.watchdog(LocalStack.TOTAL_STOP.toMillis());
        boolean clean = lifecycle.closeAll(LocalStack.PER_COMPONENT_STOP);
        if (recorder != null) {
            recorder.stopped(Instant.now(), clean);
        }
        return clean ? 0 : 1;
    }
}
