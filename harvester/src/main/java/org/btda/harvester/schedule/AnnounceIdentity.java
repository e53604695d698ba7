package org.btda.harvester.schedule;

/** What identifies us to trackers: peer id, key, and the port peers should dial. */
public record AnnounceIdentity(byte[] peerId, int key, int port) {
    public AnnounceIdentity {
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer id must have 20 bytes");
        }
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }
}
