package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
    /** Not a setting: refreshing buckets and saving the table once a minute is cheap and nobody needs to tune it. */
    public static final Duration MAINTENANCE_INTERVAL = Duration.ofMinutes(1);

    public DhtConfig {
        bootstrap = List.copyOf(bootstrap);
        if (alpha < 1 || alpha > 16 || maxQueriesPerSecond < 1) {
            throw new IllegalArgumentException("alpha must be 1..16 and the rate positive");
        }
    }

    /**
     * A node on {@code bind} with the registry's defaults for rate, query timeout and alpha (dht.max-queries-per-second,
     * dht.query-timeout, dht.alpha), not persisted; for tests and embedding. Tests that want other values say so with
     * the {@code with...} methods. The service's config comes from {@code HarvesterConfig.from(Settings)}.
     */
    public static DhtConfig of(InetSocketAddress bind, List<InetSocketAddress> bootstrap) {
        return new DhtConfig(bind, bootstrap, Settings.DHT_MAX_QUERIES_PER_SECOND.defaultValue(),
                Settings.DHT_QUERY_TIMEOUT.defaultValue(), Settings.DHT_ALPHA.defaultValue(), null, MAINTENANCE_INTERVAL);
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
}
