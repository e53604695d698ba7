package org.btda.evaluator.contact;

import org.btda.protocol.pieces.FilePieces;

/**
 * What a session needs to know of a monitored torrent: its piece count (to validate bitfields), piece length and, for
 * a multi-file torrent, which pieces belong to which file (null for single-file torrents and when unknown).
 */
public record TorrentInfo(String infoHashHex, int pieceCount, long pieceLength, FilePieces files) {
    public TorrentInfo {
        if (pieceCount < 1) throw new IllegalArgumentException("pieceCount must be >= 1");
    }

    public TorrentInfo(String infoHashHex, int pieceCount, long pieceLength) {
        this(infoHashHex, pieceCount, pieceLength, null);
    }
}
