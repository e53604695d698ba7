package org.btda.protocol.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The BEP 3 handshake: pstrlen 19, "BitTorrent protocol", 8 reserved bytes, 20-byte info hash, 20-byte peer id.
 * Immutable; accessors return copies.
 */
public final class Handshake {
    public static final int LENGTH = 68;
    /** Bytes up to and including the info hash: enough for an incoming listener to pick the torrent. */
    public static final int PREFIX_LENGTH = 48;

    private final byte[] reserved;
    private final byte[] infoHash;
    private final byte[] peerId;

    public Handshake(byte[] reserved, byte[] infoHash, byte[] peerId) {
        this.reserved = checked(reserved, 8, "reserved");
        this.infoHash = checked(infoHash, 20, "info hash");
        this.peerId = checked(peerId, 20, "peer id");
    }

    /** A handshake with the given reserved bits set (everything else zero). */
    public static Handshake of(byte[] infoHash, byte[] peerId, boolean extensionProtocol, boolean fastExtension,
            boolean dht) {
        return new Handshake(Reserved.of(extensionProtocol, fastExtension, dht), infoHash, peerId);
    }

    private static byte[] checked(byte[] b, int len, String what) {
        if (b == null || b.length != len) {
            throw new IllegalArgumentException(what + " must be " + len + " bytes");
        }
        return b.clone();
    }

    public byte[] reserved() {
        return reserved.clone();
    }

    public byte[] infoHash() {
        return infoHash.clone();
    }

    public byte[] peerId() {
        return peerId.clone();
    }

    /** BEP 10: reserved byte 5, bit 0x10. */
    public boolean supportsExtensionProtocol() {
        return Reserved.extensionProtocol(reserved);
    }

    /** BEP 6: reserved byte 7, bit 0x04. */
    public boolean supportsFastExtension() {
        return Reserved.fastExtension(reserved);
    }

    /** BEP 5: reserved byte 7, bit 0x01. */
    public boolean supportsDht() {
        return Reserved.dht(reserved);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && Arrays.equals(reserved, h.reserved) && Arrays.equals(infoHash, h.infoHash)
                && Arrays.equals(peerId, h.peerId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(infoHash) * 31 + Arrays.hashCode(peerId);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Handshake[reserved=" + hex.formatHex(reserved) + ", infoHash=" + hex.formatHex(infoHash) + ", peerId="
                + hex.formatHex(peerId) + "]";
    }

    /** Reserved-bit helpers, usable on raw 8-byte arrays (e.g. from {@link HandshakePrefix}). */
    public static final class Reserved {
        private Reserved() {
        }

        public static byte[] of(boolean extensionProtocol, boolean fastExtension, boolean dht) {
            byte[] r = new byte[8];
            if (extensionProtocol) {
                r[5] |= 0x10;
            }
            if (fastExtension) {
                r[7] |= 0x04;
            }
            if (dht) {
                r[7] |= 0x01;
            }
            return r;
        }

        public static boolean extensionProtocol(byte[] reserved) {
            return (reserved[5] & 0x10) != 0;
        }

        public static boolean fastExtension(byte[] reserved) {
            return (reserved[7] & 0x04) != 0;
        }

        public static boolean dht(byte[] reserved) {
            return (reserved[7] & 0x01) != 0;
        }
    }
}
