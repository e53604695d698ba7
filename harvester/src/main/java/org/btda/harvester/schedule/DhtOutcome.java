package org.btda.harvester.schedule;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.btda.protocol.metainfo.InfoHash;

/**
 * The result of one DHT get_peers lookup (and announce_peer, when announcing): peers found, nodes queried, or an error.
 *
 * @param announced nodes that acknowledged our announce_peer; -1 when we did not announce
 */
public record DhtOutcome(InfoHash infoHash, Instant startedAt, long durationMs, List<InetSocketAddress> peers,
        int nodesQueried, int nodesResponded, int announced, String error) {
    public DhtOutcome {
        peers = List.copyOf(peers);
    }
}
