package org.btda.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.btda.common.config.Settings;
import org.btda.common.health.Health;
import org.btda.common.health.HealthChecks;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryInPrometheusTextFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter c = Counter.builder("btda.test.things").tag("instance", "a").register(registry);
        c.increment(3);
        try (MetricsServer server = MetricsServer.start(InetAddress.getLoopbackAddress(), 0, registry)) {
            HttpResponse<String> r = get(server.port(), "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("btda_test_things_total{instance=\"a\"} 3.0");
            c.increment();
            assertThat(get(server.port(), "/metrics").body()).contains("btda_test_things_total{instance=\"a\"} 4.0");
            assertThat(get(server.port(), "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void healthEndpointsAnswer503WithTheReasonUntilEveryComponentIsReadyAndLiveUntilOneIsDead() throws Exception {
        HealthChecks checks = new HealthChecks();
        java.util.concurrent.atomic.AtomicReference<Health> sink = new java.util.concurrent.atomic.AtomicReference<>(
                Health.notReady("not started"));
        try (MetricsServer server = MetricsServer.start(InetAddress.getLoopbackAddress(), 0,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), checks)) {
            assertThat(get(server.port(), "/health/ready").statusCode()).as("nothing registered").isEqualTo(503);
            assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);

            checks.register("streams", Health::up);
            AutoCloseable registration = checks.register("sink", sink::get);
            HttpResponse<String> starting = get(server.port(), "/health/ready");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).isEqualTo("sink: not started\n");

            sink.set(Health.up());
            assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(200);

            sink.set(Health.dead("consumer loop ended: boom"));
            HttpResponse<String> dead = get(server.port(), "/health/live");
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(dead.body()).isEqualTo("sink: consumer loop ended: boom\n");
            assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(503);

            registration.close();
            assertThat(get(server.port(), "/health/live").statusCode()).as("the dead one is gone").isEqualTo(200);
            assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void sharedServerIsOffAtPortZeroAndStopsWithItsLastUser() throws Exception {
        assertThat(MetricsServer.shared(MetricsConfig.from(Settings.defaults()))).isNull();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MetricsConfig config = MetricsConfig.from(Settings.defaults().with(Settings.METRICS_PORT, port));
        assertThat(config.address()).isEqualTo(InetAddress.getByName(Settings.METRICS_ADDRESS.defaultValue()));
        MetricsServer a = MetricsServer.shared(config);
        MetricsServer b = MetricsServer.shared(config);
        assertThat(b).isSameAs(a);
        a.close();
        assertThat(get(port, "/metrics").statusCode()).isEqualTo(200); // b still uses it
        b.close();
        assertThatThrownBy(() -> get(port, "/metrics")).isInstanceOf(ConnectException.class);
    }

    @Test
    void anUnusedAddressIsNotValidatedButAUsedOneIs() {
        // metrics.address was only parsed when metrics.port turned the endpoint on; MetricsConfig keeps that.
        Settings badAddress = Settings.defaults().with(Settings.METRICS_ADDRESS, "localhost");
        assertThat(MetricsConfig.from(badAddress).enabled()).isFalse();
        assertThatThrownBy(() -> MetricsConfig.from(badAddress.with(Settings.METRICS_PORT, 9400)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
