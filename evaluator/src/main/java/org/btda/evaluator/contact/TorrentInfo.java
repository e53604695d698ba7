package org.btda.evaluator.contact;

/** What an incoming session needs to know of a monitored torrent: its piece count (to validate bitfields) and length. */
public record TorrentInfo(String infoHashHex, int pieceCount, long pieceLength) {
    public TorrentInfo {
        if (pieceCount < 1) throw new IllegalArgumentException("pieceCount must be >= 1");
    }
}
