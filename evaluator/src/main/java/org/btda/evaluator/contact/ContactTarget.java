package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One peer to contact: the torrent (info hash, piece count, needed to validate bitfields) and the endpoint to dial.
 */
public record ContactTarget(byte[] infoHash, InetSocketAddress address, int totalPieces) {
    public ContactTarget {
        Objects.requireNonNull(infoHash);
        Objects.requireNonNull(address);
        if (infoHash.length != 20) throw new IllegalArgumentException("info hash must be 20 bytes");
        if (totalPieces < 1) throw new IllegalArgumentException("totalPieces must be >= 1");
    }
}
