package org.btda.harvester.tracker;

import java.util.Objects;
import org.btda.protocol.metainfo.InfoHash;

/**
 * What btda tells a tracker. We never download, but announce {@code left} = total size so trackers treat us as a
 * leecher and return seeds as well as leechers.
 *
 * @param trackerId the {@code tracker id} an HTTP tracker gave earlier, or null
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long left, int numWant, int key,
        AnnounceEvent event, String trackerId) {
    public AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(event, "event");
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer id must have 20 bytes");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }
}
