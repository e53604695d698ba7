package org.btda.protocol.wire;

import java.util.Arrays;

/**
 * The first 48 handshake bytes (reserved + info hash), emitted by a {@link HandshakeDecoder} built with
 * {@code emitPrefix = true} before the peer id arrives. An incoming-connection listener uses it to choose the torrent
 * and send its own handshake: some clients wait for ours before sending their peer id.
 */
public record HandshakePrefix(byte[] reserved, byte[] infoHash) {
    public HandshakePrefix {
        reserved = reserved.clone();
        infoHash = infoHash.clone();
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakePrefix p && Arrays.equals(reserved, p.reserved) && Arrays.equals(infoHash, p.infoHash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(infoHash);
    }

    @Override
    public String toString() {
        return "HandshakePrefix[infoHash=" + java.util.HexFormat.of().formatHex(infoHash) + "]";
    }
}
