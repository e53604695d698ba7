package org.btda.evaluator.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.btda.protocol.bencode.Bencode;

/**
 * Peer-wire bytes written by hand, for stand-in peers (synthetic swarm, hostile fake peers in tests). Deliberately
 * independent of the protocol module's codec, so the evaluator's decoding is exercised from the outside.
 */
public final class RawWire {

    public static final byte[] PSTR = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    public static final int HANDSHAKE_LENGTH = 68;

    private RawWire() {
    }

    /** A handshake advertising the extension protocol (BEP 10) and, if {@code fast}, the fast extension (BEP 6). */
    public static byte[] handshake(byte[] infoHash, byte[] peerId, boolean extended, boolean fast) {
        ByteBuffer b = ByteBuffer.allocate(HANDSHAKE_LENGTH);
        b.put((byte) 19).put(PSTR);
        byte[] reserved = new byte[8];
        if (extended) reserved[5] |= 0x10;
        if (fast) reserved[7] |= 0x04;
        b.put(reserved).put(infoHash).put(peerId);
        return b.array();
    }

    public static byte[] message(int id, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(1 + payload.length).put((byte) id).put(payload);
        return b.array();
    }

    public static byte[] bitfield(int totalPieces, int have) {
        byte[] bits = new byte[(totalPieces + 7) / 8];
        for (int i = 0; i < have; i++) bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        return message(5, bits);
    }

    public static byte[] have(int index) {
        return message(4, ByteBuffer.allocate(4).putInt(index).array());
    }

    public static byte[] haveAll() {
        return message(0x0E, new byte[0]);
    }

    public static byte[] haveNone() {
        return message(0x0F, new byte[0]);
    }

    /** BEP 10 message: extended id 0 is the extended handshake. */
    public static byte[] extended(int extId, byte[] payload) {
        byte[] p = new byte[1 + payload.length];
        p[0] = (byte) extId;
        System.arraycopy(payload, 0, p, 1, payload.length);
        return message(20, p);
    }

    public static byte[] extendedHandshake(Map<String, ?> dict) {
        return extended(0, Bencode.encode(dict));
    }

    public static byte[] keepAlive() {
        return new byte[4];
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }
}
