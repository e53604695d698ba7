package org.btda.protocol.dht;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.btda.protocol.metainfo.InfoHash;

/** A 160-bit DHT node id (or lookup target); distance is XOR (BEP 5). Immutable. */
public final class NodeId implements Comparable<NodeId> {
    public static final int LENGTH = 20;
    public static final int BITS = 160;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] bytes;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static NodeId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("node id must be 20 bytes");
        }
        return new NodeId(bytes.clone());
    }

    public static NodeId of(InfoHash hash) {
        return new NodeId(hash.bytes());
    }

    public static NodeId random() {
        return random(RANDOM);
    }

    public static NodeId random(Random random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new NodeId(b);
    }

    public static NodeId fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Bit {@code i}, 0 = most significant bit of byte 0. */
    public boolean bit(int i) {
        return (bytes[i >>> 3] & (0x80 >>> (i & 7))) != 0;
    }

    /** Number of leading bits shared with {@code other} (160 when equal). */
    public int commonPrefixLength(NodeId other) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /** Negative if {@code a} is closer to this id than {@code b} (XOR metric, unsigned). */
    public int compareDistance(NodeId a, NodeId b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return da < db ? -1 : 1;
            }
        }
        return 0;
    }

    /** A random id sharing exactly the first {@code prefix} bits with this one (bit {@code prefix} flipped). */
    public NodeId randomWithPrefix(int prefix, boolean flipNext, Random random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        for (int i = 0; i < prefix && i < BITS; i++) {
            setBit(b, i, bit(i));
        }
        if (flipNext && prefix < BITS) {
            setBit(b, prefix, !bit(prefix));
        }
        return new NodeId(b);
    }

    private static void setBit(byte[] b, int i, boolean v) {
        if (v) {
            b[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        } else {
            b[i >>> 3] &= (byte) ~(0x80 >>> (i & 7));
        }
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(NodeId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
