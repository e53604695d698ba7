package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.events.Encryption;
import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MSE/PE against a real client: libtorrent (Debian's python3-libtorrent) on 127.0.0.1, with encryption forced both
 * ways (pe_forced, RC4 only) or disabled. btda dials it and it dials btda's listener.
 */
class LibtorrentEncryptionTest {

    @TempDir
    Path dir;
    Process peer;
    BufferedReader peerOut;
    PrintWriter peerIn;
    int port;
    byte[] infoHash;
    int pieces;

    void startPeer(String policy) throws Exception {
        Path script = LibtorrentScripts.copy(dir, "mse_peer.py");
        peer = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), policy)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        peerIn = new PrintWriter(new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8), true);
        String line = peerOut.readLine();
        assertThat(line).as("libtorrent output").startsWith("READY ");
        String[] f = line.split(" ");
        port = Integer.parseInt(f[1]);
        infoHash = HexFormat.of().parseHex(f[2]);
        pieces = Integer.parseInt(f[3]);
    }

    @AfterEach
    void stopPeer() throws Exception {
        if (peer == null) return;
        peerIn.close();
        if (!peer.waitFor(10, TimeUnit.SECONDS)) peer.destroyForcibly();
    }

    private static EvaluatorConfig config(EncryptionPolicy policy) {
        return EvaluatorConfig.defaults().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20))
                .withEncryption(policy);
    }

    private ContactTarget target() {
        return new ContactTarget(infoHash, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), pieces);
    }

    @Test
    void encryptionForcedPeerIsReachedByRetryingEncryptedAndThenRemembered() throws Exception {
        startPeer("forced");
        EvaluatorStats stats = new EvaluatorStats();
        try (ContactEngine engine = new ContactEngine(config(EncryptionPolicy.LEARN), stats, a -> false)) {
            // nothing known: plaintext first, which libtorrent hangs up on; the one retry is encrypted
            ContactResult r = engine.contact(target()).get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.encryption()).isEqualTo(Encryption.RC4);
            assertThat(r.transport()).isEqualTo(Transport.TCP);
            assertThat(r.pieces()).isEqualTo(pieces).isEqualTo(38);
            assertThat(r.extClient()).startsWith("libtorrent");
            assertThat(engine.mseCounters().established(MseEncryption.RC4)).isEqualTo(1);

            // learned: the next contact goes encrypted at once, one connection only
            ContactResult again = engine.contact(target()).get(60, TimeUnit.SECONDS);
            assertThat(again.failure()).as(String.valueOf(again.failureDetail())).isNull();
            assertThat(again.encryption()).isEqualTo(Encryption.RC4);
            assertThat(again.pieces()).isEqualTo(38);
            assertThat(engine.mseCounters().established(MseEncryption.RC4)).isEqualTo(2);
            assertThat(engine.mseCounters().inProgress()).isZero();
        }
    }

    @Test
    void encryptedOnlyPolicyCannotReachAPlaintextPeerAndPlainFirstCan() throws Exception {
        startPeer("disabled");
        try (ContactEngine engine = new ContactEngine(config(EncryptionPolicy.ENCRYPTED_ONLY), new EvaluatorStats(), a -> false)) {
            ContactResult r = engine.contact(target()).get(60, TimeUnit.SECONDS);
            assertThat(r.success()).isFalse();
            assertThat(r.failure()).isIn(FailureReason.NO_HANDSHAKE, FailureReason.RESET);
            assertThat(r.encryption()).isEqualTo(Encryption.RC4);
        }
        try (ContactEngine engine = new ContactEngine(config(EncryptionPolicy.ENCRYPTED_FIRST), new EvaluatorStats(), a -> false)) {
            ContactResult r = engine.contact(target()).get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.encryption()).isEqualTo(Encryption.PLAIN);
            assertThat(r.pieces()).isEqualTo(38);
        }
    }

    @Test
    void encryptionForcedPeerDiallingInIsEvaluatedNotRefused() throws Exception {
        startPeer("forced");
        EvaluatorStats stats = new EvaluatorStats();
        CompletableFuture<ContactResult> evaluated = new CompletableFuture<>();
        byte[] ih = infoHash;
        try (IncomingListener listener = new IncomingListener(config(EncryptionPolicy.LEARN), stats,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, 4, 0, 0,
                hex -> hex.equals(HexFormat.of().formatHex(ih)) ? new TorrentInfo(hex, pieces, 16384) : null,
                req2 -> java.util.Arrays.equals(req2, MseKeys.req2(ih)) ? ih : null,
                (r, t) -> evaluated.complete(r), (r, t) -> { })) {
            peerIn.println("CONNECT " + listener.port());
            assertThat(peerOut.readLine()).isEqualTo("OK");
            ContactResult r = evaluated.get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.encryption()).isEqualTo(Encryption.RC4);
            assertThat(r.pieces()).isEqualTo(38);
            assertThat(r.extListenPort()).isEqualTo(port);
            assertThat(stats.incomingRefused(Refusal.BAD_HANDSHAKE)).isZero();
            assertThat(stats.incomingRefused(Refusal.BAD_ENCRYPTION)).isZero();
        }
    }
}
