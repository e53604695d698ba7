package org.btda.evaluator.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The synthetic swarm's fixed, deterministic mix, shared by the swarm process and the benchmark runner: peer i lives at
 * 198.18.0.0/15 + 256 + i (addresses on the benchmark namespace's lo), and its behaviour is a function of i alone.
 */
public final class SwarmMix {

    public enum Behaviour {
        /** handshake + extended handshake + full-length bitfield, then quiet (session ends by the quiet timeout) */
        BITFIELD,
        /** as BITFIELD, then one have per second for four seconds */
        SLOW_HAVES,
        /** accepts the connection and never says anything (NO_HANDSHAKE) */
        SILENT,
        /** dialled on a port nobody listens on: the kernel answers RST (REFUSED) */
        REFUSE,
        /** reads our handshake, then aborts with RST (RESET) */
        RESET
    }

    public static final int LISTEN_PORT = 6881;
    public static final int CLOSED_PORT = 6882;
    public static final int TOTAL_PIECES = 1000;
    public static final int HAVES = 4;
    public static final byte[] INFO_HASH = sha1("btda synthetic swarm");

    private SwarmMix() {
    }

    public static Behaviour behaviour(int peer) {
        int h = Integer.remainderUnsigned(peer * 0x9E3779B1, 20);
        if (h < 7) return Behaviour.BITFIELD;       // 35 %
        if (h < 11) return Behaviour.SLOW_HAVES;    // 20 %
        if (h < 14) return Behaviour.SILENT;        // 15 %
        if (h < 17) return Behaviour.REFUSE;        // 15 %
        return Behaviour.RESET;                     // 15 %
    }

    /** Pieces peer i has at the start (its bitfield). Always below the total, so slow haves add real pieces. */
    public static int initialPieces(int peer) {
        return Integer.remainderUnsigned(peer * 7919, TOTAL_PIECES - HAVES);
    }

    public static InetAddress address(int peer) {
        int n = 256 + peer;
        byte[] a = {(byte) 198, (byte) (18 + (n >>> 16)), (byte) (n >>> 8), (byte) n};
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static InetSocketAddress endpoint(int peer) {
        return new InetSocketAddress(address(peer), behaviour(peer) == Behaviour.REFUSE ? CLOSED_PORT : LISTEN_PORT);
    }

    /** Inverse of {@link #address}, or -1 for an address outside the swarm. */
    public static int peerOf(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16 && isV4Mapped(b)) b = java.util.Arrays.copyOfRange(b, 12, 16); // dual-stack listener
        if (b.length != 4 || (b[0] & 0xFF) != 198) return -1;
        int hi = (b[1] & 0xFF) - 18;
        if (hi < 0 || hi > 1) return -1;
        return ((hi << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF)) - 256;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    private static byte[] sha1(String s) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
