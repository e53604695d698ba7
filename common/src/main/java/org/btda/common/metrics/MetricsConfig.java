package org.btda.common.metrics;

import org.btda.common.config.Settings;
import org.btda.common.net.Networks;

import java.net.InetAddress;

/**
 * Where the JVM's Prometheus endpoint listens; built by the launcher with {@link #from}.
 *
 * @param port    metrics.port; 0 = no endpoint
 * @param address metrics.address, parsed; null when the endpoint is off (an unused address is not validated, as before)
 */
public record MetricsConfig(int port, InetAddress address) {

    public MetricsConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics.port must be 0..65535");
        }
        if (port != 0 && address == null) {
            throw new IllegalArgumentException("metrics.address is needed when metrics.port is set");
        }
    }

    public static MetricsConfig from(Settings s) {
        int port = s.get(Settings.METRICS_PORT);
        return new MetricsConfig(port, port == 0 ? null : Networks.parseLiteral(s.get(Settings.METRICS_ADDRESS)));
    }

    public boolean enabled() {
        return port != 0;
    }
}
