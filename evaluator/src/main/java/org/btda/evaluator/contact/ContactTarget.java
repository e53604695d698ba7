package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.btda.protocol.pieces.FilePieces;

/**
 * One peer to contact: the torrent (info hash, piece count, needed to validate bitfields), the endpoint to dial and,
 * for a multi-file torrent whose registration listed its files, which pieces belong to which file (null otherwise).
 */
public record ContactTarget(byte[] infoHash, InetSocketAddress address, int totalPieces, FilePieces files) {
    public ContactTarget {
        Objects.requireNonNull(infoHash);
        Objects.requireNonNull(address);
        if (infoHash.length != 20) throw new IllegalArgumentException("info hash must be 20 bytes");
        if (totalPieces < 1) throw new IllegalArgumentException("totalPieces must be >= 1");
        if (files != null && files.pieceCount() != totalPieces) files = null;   // a layout of another piece count is wrong
    }

    public ContactTarget(byte[] infoHash, InetSocketAddress address, int totalPieces) {
        this(infoHash, address, totalPieces, null);
    }
}
