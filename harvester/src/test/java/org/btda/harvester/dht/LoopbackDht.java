package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The node config of the loopback DHT tests. They differ from the registry's defaults on purpose: a dozen nodes on
 * 127.x bootstrap and look up at once, and every query is answered within milliseconds, so the production rate limit
 * (dht.max-queries-per-second) would only make them slow, and a shorter query timeout ends lookups that hit a closed
 * node sooner.
 */
final class LoopbackDht {
    static final int RATE = 1000;
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

    private LoopbackDht() {
    }

    static DhtConfig config(InetSocketAddress bind, List<InetSocketAddress> bootstrap) {
        return DhtConfig.of(bind, bootstrap).withRate(RATE).withQueryTimeout(QUERY_TIMEOUT);
    }
}
