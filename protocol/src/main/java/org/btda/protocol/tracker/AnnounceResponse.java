package org.btda.protocol.tracker;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A tracker's answer to an announce. Counts are null when the tracker did not send them.
 *
 * @param minInterval null when absent
 * @param warning the HTTP {@code warning message}, or null
 * @param trackerId the HTTP {@code tracker id}, or null
 */
public record AnnounceResponse(Duration interval, Duration minInterval, List<InetSocketAddress> peers, Integer seeders,
        Integer leechers, String warning, String trackerId) {
    public AnnounceResponse {
        peers = List.copyOf(peers);
    }
}
