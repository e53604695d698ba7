package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.protocol.mse.MseKeys;
import org.btda.protocol.mse.Rc4;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile MSE peers against the passive listener: each is refused, counted, and cut off within the spec's bounds. */
class MseListenerHostileTest {
    static final byte[] INFO_HASH = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef01234567");

    EvaluatorStats stats;
    IncomingListener listener;

    @BeforeEach
    void start() {
        stats = new EvaluatorStats();
        listener = new IncomingListener(EvaluatorConfig.defaults(), stats,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, 16, 0, 0,
                hex -> hex.equals(HexFormat.of().formatHex(INFO_HASH)) ? new TorrentInfo(hex, 10, 16384) : null,
                req2 -> Arrays.equals(req2, MseKeys.req2(INFO_HASH)) ? INFO_HASH : null,
                (r, t) -> { }, (r, t) -> { });
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        s.setSoTimeout(30_000);
        return s;
    }

    private static byte[] publicKey(MseKeys k) {
        return k.publicKey();
    }

    /** Writes until the listener hangs up; returns the bytes it accepted. A listener that never closes fails here. */
    private static int writeUntilClosed(Socket s, Random r, int limit) throws IOException {
        OutputStream out = s.getOutputStream();
        int sent = 0;
        try {
            while (sent < limit) {
                byte[] chunk = new byte[64];
                r.nextBytes(chunk);
                out.write(chunk);
                out.flush();
                sent += chunk.length;
            }
        } catch (SocketException closed) {
            return sent;
        }
        return sent;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // polling a counter, not timing
        }
    }

    private static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) return true;
            }
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void endlessPaddingIsRefusedAsBadEncryption() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(publicKey(new MseKeys(new Random(5))));
            // PadA "forever": the listener must give up by the 628-byte sync window and close
            writeUntilClosed(s, new Random(6), 4096);
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> stats.incomingRefused(Refusal.BAD_ENCRYPTION) == 1, "BAD_ENCRYPTION counted");
        assertThat(stats.incomingRefused(Refusal.BAD_HANDSHAKE)).isZero();
    }

    @Test
    void wrongVerificationConstantIsRefusedAsBadEncryption() throws Exception {
        MseKeys ours = new MseKeys(new Random(7));
        try (Socket s = connect()) {
            s.getOutputStream().write(ours.publicKey());
            byte[] yb = new byte[96];
            new DataInputStream(s.getInputStream()).readFully(yb);
            byte[] secret = ours.secret(yb);
            byte[] header = new byte[16];
            header[0] = 1; // VC must be eight zero bytes
            header[11] = 2;
            OutputStream out = s.getOutputStream();
            out.write(MseKeys.req1(secret));
            byte[] req3 = MseKeys.req3(secret);
            byte[] req2 = MseKeys.req2(INFO_HASH);
            for (int i = 0; i < 20; i++) req2[i] ^= req3[i];
            out.write(req2);
            out.write(new Rc4(MseKeys.keyA(secret, INFO_HASH)).crypt(header));
            out.flush();
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> stats.incomingRefused(Refusal.BAD_ENCRYPTION) == 1, "BAD_ENCRYPTION counted");
    }

    @Test
    void anUnmonitoredTorrentNamedByReq2IsRefusedAsUnknown() throws Exception {
        MseKeys ours = new MseKeys(new Random(8));
        byte[] other = new byte[20];
        try (Socket s = connect()) {
            s.getOutputStream().write(ours.publicKey());
            byte[] yb = new byte[96];
            new DataInputStream(s.getInputStream()).readFully(yb);
            byte[] secret = ours.secret(yb);
            byte[] req3 = MseKeys.req3(secret);
            byte[] req2 = MseKeys.req2(other);
            for (int i = 0; i < 20; i++) req2[i] ^= req3[i];
            s.getOutputStream().write(MseKeys.req1(secret));
            s.getOutputStream().write(req2);
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> stats.incomingRefused(Refusal.UNKNOWN_TORRENT) == 1, "UNKNOWN_TORRENT counted");
    }
}
