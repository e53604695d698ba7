package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btda.common.config.Settings;

/**
 * Everything a {@link DhtNode} needs.
 *
 * @param bind                where the UDP socket listens (port 0 = any)
 * @param bootstrap           nodes asked first when the table is empty (unresolved names are skipped)
 * @param maxQueriesPerSecond outgoing query rate limit
 * @param queryTimeout        a query without an answer after this counts as failed
 * @param alpha               parallel queries per lookup (3–8 is sensible)
 * @param stateFile           node id + routing table, loaded at start and saved periodically; null = not persisted
 * @param maintenanceInterval how often stale buckets are refreshed, the table saved and stored peers expired
 */
public record DhtConfig(InetSocketAddress bind, List<InetSocketAddress> bootstrap, int maxQueriesPerSecond,
        Duration queryTimeout, int alpha, Path stateFile, Duration maintenanceInterval) {
    public static final String STATE_FILE_NAME = "dht.state";

    public DhtConfig {
        bootstrap = List.copyOf(bootstrap);
        if (alpha < 1 || alpha > 16 || maxQueriesPerSecond < 1) {
            throw new IllegalArgumentException("alpha must be 1..16 and the rate positive");
        }
    }

    /** Loopback-friendly defaults for tests and embedding: no persistence, 1000 q/s, 2 s timeout, alpha 4. */
    public static DhtConfig of(InetSocketAddress bind, List<InetSocketAddress> bootstrap) {
        return new DhtConfig(bind, bootstrap, 1000, Duration.ofSeconds(2), 4, null, Duration.ofMinutes(1));
    }

    public DhtConfig withStateFile(Path file) {
        return new DhtConfig(bind, bootstrap, maxQueriesPerSecond, queryTimeout, alpha, file, maintenanceInterval);
    }

    public DhtConfig withRate(int perSecond) {
        return new DhtConfig(bind, bootstrap, perSecond, queryTimeout, alpha, stateFile, maintenanceInterval);
    }

    public DhtConfig withQueryTimeout(Duration timeout) {
        return new DhtConfig(bind, bootstrap, maxQueriesPerSecond, timeout, alpha, stateFile, maintenanceInterval);
    }

    public static DhtConfig fromSettings(Settings s) {
        String host = s.get(Settings.DHT_BIND_ADDRESS);
        InetSocketAddress bind = host.isEmpty() ? new InetSocketAddress(s.get(Settings.DHT_PORT))
                : new InetSocketAddress(host, s.get(Settings.DHT_PORT));
        List<InetSocketAddress> boot = new ArrayList<>();
        for (String hp : s.get(Settings.DHT_BOOTSTRAP)) {
            int colon = hp.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("dht.bootstrap entry is not host:port: " + hp);
            }
            InetSocketAddress a = new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
            if (!a.isUnresolved()) {
                boot.add(a);
            }
        }
        return new DhtConfig(bind, boot, s.get(Settings.DHT_MAX_QUERIES_PER_SECOND), s.get(Settings.DHT_QUERY_TIMEOUT),
                s.get(Settings.DHT_ALPHA), s.get(Settings.STATE_DIR).resolve(STATE_FILE_NAME), Duration.ofMinutes(1));
    }
}
