package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec against a real client: libtorrent 2.0 on loopback, once seeding every piece and once holding none.
 * The Netty probe does what the evaluator will do: handshake, extended handshake, have_none, read until quiet.
 */
class LibtorrentWireTest {
    private static final Duration QUIET = Duration.ofMillis(1500);

    @TempDir
    static Path tmp;
    private static LibtorrentPeer seed;
    private static LibtorrentPeer empty;
    private static ProbeClient client;

    @BeforeAll
    static void start() throws Exception {
        seed = LibtorrentPeer.start(Files.createDirectory(tmp.resolve("seed")), true);
        empty = LibtorrentPeer.start(Files.createDirectory(tmp.resolve("empty")), false);
        client = new ProbeClient();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (seed != null) {
            seed.close();
        }
        if (empty != null) {
            empty.close();
        }
    }

    private static ProbeResult probe(LibtorrentPeer peer, boolean fast) throws Exception {
        return probe(new LibtorrentPeer.Remote(peer.address, peer.infoHash, peer.totalPieces), fast);
    }

    private static ProbeResult probe(LibtorrentPeer.Remote peer, boolean fast) throws Exception {
        Handshake ours = Handshake.of(peer.infoHash(), peerId(), true, fast, false);
        ProbeResult r = client.probe(peer.address(), ours, peer.totalPieces(), QUIET).get(30, TimeUnit.SECONDS);
        assertThat(r.failure()).as("connection failure").isNull();
        assertThat(r.handshake()).as("peer handshake").isNotNull();
        assertThat(r.handshake().infoHash()).isEqualTo(peer.infoHash());
        return r;
    }

    private static byte[] peerId() {
        byte[] peerId = new byte[20];
        new SecureRandom().nextBytes(peerId);
        System.arraycopy("-BT0001-".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, peerId, 0, 8);
        return peerId;
    }

    @Test
    void seedWithFastExtensionReportsAllPieces() throws Exception {
        assertThat(seed.piecesHeld).isEqualTo(seed.totalPieces);
        ProbeResult r = probe(seed, true);
        assertThat(r.handshake().supportsExtensionProtocol()).isTrue();
        assertThat(r.handshake().supportsFastExtension()).isTrue();
        assertThat(r.pieces().known()).isTrue();
        assertThat(r.pieces().count()).isEqualTo(seed.totalPieces);

        ExtendedHandshake ext = r.extendedHandshake();
        assertThat(ext).isNotNull();
        assertThat(ext.clientVersion()).startsWith("libtorrent");
        assertThat(ext.extensionId(ExtensionIds.UT_METADATA)).isBetween(1, 255);
        assertThat(ext.extensionId(ExtensionIds.UT_PEX)).isBetween(1, 255);
        assertThat(ext.metadataSize()).isPositive();
        // libtorrent sends `p` only on connections it opened; on ones it accepted the dialled port is the identity
        assertThat(ext.listenPort()).isNull();
        assertThat(ext.yourIp()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(client.counters().violations(WireViolation.MALFORMED_MESSAGE)).isZero();
    }

    @Test
    void seedWithoutFastExtensionSendsAFullBitfield() throws Exception {
        ProbeResult r = probe(seed, false);
        assertThat(r.messages()).hasAtLeastOneElementOfType(PeerMessage.Bitfield.class)
                .doesNotHaveAnyElementsOfTypes(PeerMessage.HaveAll.class);
        assertThat(r.pieces().count()).isEqualTo(seed.totalPieces);
    }

    @Test
    void incomingConnectionIsMatchedByInfoHashAndCarriesTheListenPort() throws Exception {
        Handshake ours = Handshake.of(seed.infoHash, peerId(), true, true, false);
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Channel server = client.listen(ours, seed.totalPieces, QUIET, result);
        try {
            seed.connectTo(((InetSocketAddress) server.localAddress()).getPort(), true);
            ProbeResult r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).isNull();
            assertThat(r.messages().get(0)).isInstanceOf(HandshakePrefix.class);
            assertThat(((HandshakePrefix) r.messages().get(0)).infoHash()).isEqualTo(seed.infoHash);
            assertThat(r.messages().get(1)).isInstanceOf(Handshake.class);
            assertThat(r.pieces().count()).isEqualTo(seed.totalPieces);
            // on connections libtorrent opens, BEP 10 `p` is its listen port: the identity of an incoming peer
            assertThat(r.extendedHandshake().listenPort()).isEqualTo(seed.address.getPort());
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void encryptedIncomingHandshakeIsEvaluatedBehindTheMseDetector() throws Exception {
        // libtorrent's default dial is encrypted: the detector hands it to an MSE responder, the codec sees plaintext
        Handshake ours = Handshake.of(seed.infoHash, peerId(), true, true, false);
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Channel server = client.listenAcceptingMse(ours, seed.totalPieces, QUIET, result);
        try {
            seed.connectTo(((InetSocketAddress) server.localAddress()).getPort(), false);
            ProbeResult r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).isNull();
            assertThat(r.handshake()).isNotNull();
            assertThat(r.handshake().infoHash()).isEqualTo(seed.infoHash);
            assertThat(r.pieces().count()).isEqualTo(seed.totalPieces);
            assertThat(r.extendedHandshake().clientVersion()).startsWith("libtorrent");
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void encryptedIncomingHandshakeIsABadHandshakeForThePlaintextCodecAlone() throws Exception {
        // without the MSE detector in front, an MSE stream fails the handshake decoder on its first byte, counted
        long before = client.counters().violations(WireViolation.BAD_HANDSHAKE);
        Handshake ours = Handshake.of(seed.infoHash, peerId(), true, true, false);
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Channel server = client.listen(ours, seed.totalPieces, QUIET, result);
        try {
            seed.connectTo(((InetSocketAddress) server.localAddress()).getPort(), false);
            ProbeResult r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).isInstanceOfSatisfying(PeerWireException.class,
                    e -> assertThat(e.violation()).isEqualTo(WireViolation.BAD_HANDSHAKE));
            assertThat(r.handshake()).isNull();
            assertThat(client.counters().violations(WireViolation.BAD_HANDSHAKE)).isGreaterThan(before);
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void aria2SeedOfTheSameTorrentReportsAllPieces() throws Exception {
        // second real client: aria2c seeds libtorrent's payload; no tracker in the torrent, DHT/LPD/PEX off
        Path dir = tmp.resolve("seed");
        int port;
        try (ServerSocket probePort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probePort.getLocalPort();
        }
        Process aria = new ProcessBuilder("aria2c", "--check-integrity=true", "--seed-ratio=0.0", "--stop=60",
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--disable-ipv6=true", "--listen-port=" + port, "--summary-interval=0", "--console-log-level=warn",
                "-d", dir.resolve("data").toString(), dir.resolve("t.torrent").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("aria2.log").toFile()).start();
        try {
            awaitListening(port, aria);
            ProbeResult r = probe(new LibtorrentPeer.Remote(new InetSocketAddress("127.0.0.1", port), seed.infoHash,
                    seed.totalPieces), true);
            assertThat(r.pieces().known()).isTrue();
            assertThat(r.pieces().count()).isEqualTo(seed.totalPieces);
            assertThat(r.extendedHandshake().clientVersion()).startsWith("aria2");
        } finally {
            aria.destroy();
            if (!aria.waitFor(10, TimeUnit.SECONDS)) {
                aria.destroyForcibly();
            }
        }
    }

    private static void awaitListening(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (ConnectException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("aria2c did not listen on " + port);
    }

    @Test
    void peerWithNothingSendsHaveNone() throws Exception {
        assertThat(empty.piecesHeld).isZero();
        ProbeResult r = probe(empty, true);
        assertThat(r.messages()).contains(PeerMessage.HaveNone.INSTANCE);
        assertThat(r.pieces().known()).isTrue();
        assertThat(r.pieces().count()).isZero();
        assertThat(r.extendedHandshake()).isNotNull();
    }
}
