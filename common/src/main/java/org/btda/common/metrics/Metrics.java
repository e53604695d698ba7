package org.btda.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one Prometheus registry of this JVM. Every service registers its meters here, so {@code btda local} (all services
 * in one JVM) exposes one endpoint for all of them; meters carry a tag naming their instance where several of one
 * kind may share the JVM.
 */
public final class Metrics {

    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Metrics() {
    }

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }
}
