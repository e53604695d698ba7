package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.bench.RawWire;
import org.btda.events.FailureReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contact engine against scripted fake peers on loopback, for hostile behaviours a real client never shows. Each
 * must end in the right failure reason without disturbing other sessions.
 */
class ContactEngineTest {

    static final byte[] INFO_HASH = bytes(20, 7);
    static final byte[] OTHER_HASH = bytes(20, 9);
    static final int PIECES = 100; // bitfield of 13 bytes, 4 spare bits
    static final byte[] PEER_ID = "-TR3000-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);

    EvaluatorStats stats;
    ContactEngine engine;

    @BeforeEach
    void start() {
        stats = new EvaluatorStats();
        EvaluatorConfig cfg = EvaluatorConfig.defaults()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(6))
                // these scripts are about reading until quiet; the end by a settled piece count: PieceCountGraceTest
                .withPieceGrace(Duration.ofSeconds(6))
                .withMaxMessages(50);
        engine = new ContactEngine(cfg, stats, a -> a.getAddress()[3] == 99); // 127.0.0.99 is "do not contact"
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    ContactResult contact(FakePeer peer) throws Exception {
        return engine.contact(new ContactTarget(INFO_HASH, peer.address(), PIECES)).get(20, TimeUnit.SECONDS);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed * 31 + i);
        return b;
    }

    /**
     * A message id no client uses: the decoder counts and skips it, so a peer that sends it after other messages
     * learns from {@link #awaitMarksDecoded} that the evaluator has read everything before it.
     */
    static final byte[] MARK = RawWire.message(99, new byte[0]);

    void awaitMarksDecoded(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.wireCounters().unknownMessages() < n) {
            assertThat(System.nanoTime()).as("evaluator decoded the mark").isLessThan(deadline);
            Thread.sleep(5); // polling a counter, not waiting for time to pass
        }
    }

    static byte[] goodHandshake() {
        return RawWire.handshake(INFO_HASH, PEER_ID, true, true);
    }

    @Test
    void ourOwnListenEndpointIsNeverDialledWhoeverAskedForIt() throws Exception {
        try (FakePeer us = new FakePeer(c -> { })) {
            ContactEngine guarded = new ContactEngine(EvaluatorConfig.defaults(), stats, a -> false,
                    a -> a.getPort() == us.address().getPort() && a.getAddress().isLoopbackAddress());
            try {
                ContactResult r = guarded.contact(new ContactTarget(INFO_HASH, us.address(), PIECES)).get(20, TimeUnit.SECONDS);
                assertThat(r.failure()).isEqualTo(FailureReason.DO_NOT_CONTACT);
                assertThat(r.failureDetail()).contains("own listen endpoint");
                assertThat(stats.selfSkippedTotal()).isEqualTo(1);
                assertThat(us.accepted.get()).as("no connection was made").isZero();
            } finally {
                guarded.close();
            }
        }
    }

    @Test
    void honestPeerYieldsPiecesClientAndExtensionFieldsAndWeSendOnlyHandshakeExtHandshakeHaveNone() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        // the script records what we sent until we hang up; the test reads it only once the script is done with it
        CompletableFuture<byte[]> allSent = new CompletableFuture<>();
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("m", Map.of("ut_pex", 3, "ut_metadata", 4));
        ext.put("v", "Transmission 3.00");
        ext.put("p", 51413);
        ext.put("reqq", 500);
        ext.put("metadata_size", 12345);
        ext.put("yourip", new byte[] {127, 0, 0, 1});
        try (FakePeer peer = new FakePeer(c -> {
            sent.write(c.readHandshake());
            c.send(RawWire.concat(goodHandshake(), RawWire.extendedHandshake(ext), RawWire.bitfield(PIECES, 40), MARK));
            awaitMarksDecoded(1); // the gap below starts when the evaluator has the bitfield, however busy the machine
            Thread.sleep(300);
            c.send(RawWire.have(60));
            c.send(RawWire.have(61));
            sent.write(c.readToEnd()); // until the evaluator closes after 1.5 s of quiet
            allSent.complete(sent.toByteArray());
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isNull();
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(42);
            assertThat(r.messagesReceived()).isEqualTo(4);
            assertThat(r.peerId()).isEqualTo(PEER_ID);
            assertThat(r.reserved()).isEqualTo(Arrays.copyOfRange(goodHandshake(), 20, 28));
            assertThat(r.extClient()).isEqualTo("Transmission 3.00");
            assertThat(r.extListenPort()).isEqualTo(51413);
            assertThat(r.extReqq()).isEqualTo(500);
            assertThat(r.extMetadataSize()).isEqualTo(12345L);
            assertThat(r.extMessages()).containsEntry("ut_pex", 3).containsEntry("ut_metadata", 4).doesNotContainKey("yourip");
            assertThat(r.longestGapMillis()).isGreaterThanOrEqualTo(250);
            assertThat(r.sessionMillis()).isGreaterThanOrEqualTo(1500);
            assertThat(r.observedAtMillis()).isGreaterThan(r.startedAtMillis());

            byte[] all = allSent.get(10, TimeUnit.SECONDS);
            // our handshake: BitTorrent protocol, extension protocol + fast extension bits, our info hash, BEP 20 id
            assertThat(all[0]).isEqualTo((byte) 19);
            assertThat(all[25] & 0x10).isNotZero();
            assertThat(all[27] & 0x04).isNotZero();
            assertThat(Arrays.copyOfRange(all, 28, 48)).isEqualTo(INFO_HASH);
            assertThat(new String(all, 48, 8, StandardCharsets.US_ASCII)).isEqualTo("-BD0100-");
            // then exactly: extended handshake {m: {ut_pex: 1}, reqq: 1, v: "btda 0.1"} (the protocol's
            // ExtendedHandshake.forBtda through the wire encoder; no p, no yourip) and have_none. No request, no bitfield.
            byte[] rest = Arrays.copyOfRange(all, 68, all.length);
            byte[] expected = RawWire.concat(
                    RawWire.extended(0, "d1:md6:ut_pexi1ee4:reqqi1e1:v8:btda 0.1e".getBytes(StandardCharsets.US_ASCII)),
                    RawWire.haveNone());
            assertThat(rest).isEqualTo(expected);
        }
    }

    @Test
    void peerIdIsStableAcrossContactsOfOneEngine() throws Exception {
        List<byte[]> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FakePeer peer = new FakePeer(c -> {
            ids.add(Arrays.copyOfRange(c.readHandshake(), 48, 68));
            c.send(RawWire.concat(goodHandshake(), RawWire.haveAll()));
            c.readToEnd();
        })) {
            assertThat(contact(peer).pieces()).isEqualTo(PIECES);
            assertThat(contact(peer).pieces()).isEqualTo(PIECES);
            assertThat(ids).hasSize(2);
            assertThat(ids.get(0)).isEqualTo(ids.get(1));
        }
    }

    @Test
    void silenceAfterHandshakeIsUnknownNotZero() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.handshake(INFO_HASH, PEER_ID, false, false));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isNull();
            assertThat(r.messagesReceived()).isZero();
            assertThat(r.observedAtMillis()).isEqualTo(r.startedAtMillis());
        }
    }

    @Test
    void haveNoneIsZero() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.haveNone()));
            c.readToEnd();
        })) {
            assertThat(contact(peer).pieces()).isEqualTo(0);
        }
    }

    @Test
    void garbageInsteadOfHandshakeIsProtocolViolation() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send("HTTP/1.1 400 Bad Request\r\n\r\n".repeat(4).getBytes(StandardCharsets.US_ASCII));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isEqualTo(FailureReason.PROTOCOL_VIOLATION);
            assertThat(r.pieces()).isNull();
        }
    }

    @Test
    void oversizedLengthPrefixIsFrameTooLarge() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES, 10),
                    ByteBuffer.allocate(5).putInt(0x7FFF_FFF0).put((byte) 5).array()));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isEqualTo(FailureReason.FRAME_TOO_LARGE);
            assertThat(r.pieces()).as("a hostile peer's earlier bitfield is not trusted").isNull();
        }
    }

    @Test
    void wrongInfoHashIsRejected() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(RawWire.handshake(OTHER_HASH, PEER_ID, true, true), RawWire.bitfield(PIECES, 100)));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isEqualTo(FailureReason.WRONG_INFO_HASH);
            assertThat(r.pieces()).isNull();
        }
    }

    @Test
    void wrongLengthBitfieldIsBadBitfield() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES + 16, 20))); // two bytes too long
            c.readToEnd();
        })) {
            assertThat(contact(peer).failure()).isEqualTo(FailureReason.BAD_BITFIELD);
        }
    }

    @Test
    void spareBitsSetIsBadBitfield() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(104, 104))); // 13 bytes, but bits 100..103 set
            c.readToEnd();
        })) {
            assertThat(contact(peer).failure()).isEqualTo(FailureReason.BAD_BITFIELD);
        }
    }

    @Test
    void oneBytePerSecondNeverCompletesAHandshake() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            for (byte b : goodHandshake()) {
                if (!c.sendUnlessClosed(new byte[] {b})) break; // the evaluator hung up: the expected end
                Thread.sleep(1000);
            }
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isEqualTo(FailureReason.NO_HANDSHAKE);
            // bytes kept arriving, yet the quiet timer (reset only by whole messages) ended it, well before the cap
            assertThat(r.sessionMillis()).isLessThan(6000);
        }
    }

    @Test
    void silentPeerIsNoHandshake() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.failure()).isEqualTo(FailureReason.NO_HANDSHAKE);
            assertThat(r.sessionMillis()).isGreaterThanOrEqualTo(1500);
        }
    }

    @Test
    void closeAfterHandshakeIsClosedAfterHandshake() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(goodHandshake());
            Thread.sleep(100);
        })) {
            assertThat(contact(peer).failure()).isEqualTo(FailureReason.CLOSED_AFTER_HANDSHAKE);
        }
    }

    @Test
    void closeWithoutHandshakeIsNoHandshake() throws Exception {
        try (FakePeer peer = new FakePeer(c -> c.readHandshake())) {
            assertThat(contact(peer).failure()).isEqualTo(FailureReason.NO_HANDSHAKE);
        }
    }

    @Test
    void resetBeforeHandshakeIsReset() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.reset();
        })) {
            assertThat(contact(peer).failure()).isEqualTo(FailureReason.RESET);
        }
    }

    @Test
    void resetAfterBitfieldStillCountsTheBitfield() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES, 77), MARK));
            awaitMarksDecoded(1); // a reset discards unread data: reset only once the evaluator has read the bitfield
            c.reset();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(77);
        }
    }

    @Test
    void closedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ContactResult r = engine.contact(new ContactTarget(INFO_HASH,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), PIECES)).get(10, TimeUnit.SECONDS);
        assertThat(r.failure()).isEqualTo(FailureReason.REFUSED);
        assertThat(r.messagesReceived()).isZero();
    }

    @Test
    void doNotContactIsNeverDialled() throws Exception {
        try (FakePeer peer = new FakePeer(c -> c.readHandshake())) {
            // 127.0.0.99 is on the list; the fake listens on the loopback address, same port
            InetSocketAddress listed = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 99}),
                    peer.address().getPort());
            ContactResult r = engine.contact(new ContactTarget(INFO_HASH, listed, PIECES)).get(5, TimeUnit.SECONDS);
            assertThat(r.failure()).isEqualTo(FailureReason.DO_NOT_CONTACT);
            assertThat(stats.failures(FailureReason.DO_NOT_CONTACT)).isEqualTo(1);
            // the decision is taken before any session starts: none ever did, so nothing can still be dialling
            assertThat(stats.peakInFlight()).isZero();
            assertThat(peer.accepted.get()).isZero();
        }
    }

    @Test
    void pexPeersAreCollected() throws Exception {
        byte[] compact = {10, 0, 0, 1, 0x1A, (byte) 0xE1, 10, 0, 0, 2, 0x1A, (byte) 0xE2};
        Map<String, Object> pex = new LinkedHashMap<>();
        pex.put("added", compact);
        pex.put("added.f", new byte[] {0x02, 0x00});
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(),
                    RawWire.extendedHandshake(Map.of("m", Map.of("ut_pex", 7))),
                    // peers send PEX under the id WE assigned (1), not their own
                    RawWire.extended(1, org.btda.protocol.bencode.Bencode.encode(pex))));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pexPeers()).containsExactly(
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 6881),
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 2}), 6882));
        }
    }

    @Test
    void messageBudgetEndsTheSession() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(goodHandshake());
            for (int i = 0; i < 200 && c.sendUnlessClosed(RawWire.keepAlive()); i++) {
                Thread.sleep(20);
            }
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.messagesReceived()).isEqualTo(50);
        }
    }

    @Test
    void hostilePeersDoNotDisturbAnHonestOneRunningAtTheSameTime() throws Exception {
        // Every fake peer holds its session open (after reading our handshake) until all four are connected, so the
        // four sessions are in flight together whatever the machine's load; the honest peer then keeps its session
        // alive with keep-alives until both quick hostile contacts are over, and only then sends its last have.
        CountDownLatch connected = new CountDownLatch(4);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch hostileOver = new CountDownLatch(2);
        FakePeer.Script arrive = c -> {
            c.readHandshake();
            connected.countDown();
            assertThat(go.await(20, TimeUnit.SECONDS)).as("released").isTrue();
        };
        try (FakePeer honest = new FakePeer(c -> {
                arrive.run(c);
                c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES, 33)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                // keep-alives (whole messages) reset the evaluator's 1.5 s quiet timer while the hostile ones end
                while (!hostileOver.await(200, TimeUnit.MILLISECONDS)) {
                    assertThat(System.nanoTime()).as("hostile contacts over in time").isLessThan(deadline);
                    c.send(RawWire.keepAlive());
                }
                c.send(RawWire.have(90));
                c.readToEnd();
            });
             FakePeer garbage = new FakePeer(c -> {
                 arrive.run(c);
                 c.send(new byte[4096]);
                 c.readToEnd();
             });
             FakePeer huge = new FakePeer(c -> {
                 arrive.run(c);
                 c.send(RawWire.concat(goodHandshake(), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
                 c.readToEnd();
             });
             FakePeer dribble = new FakePeer(c -> {
                 arrive.run(c);
                 for (byte b : goodHandshake()) {
                     if (!c.sendUnlessClosed(new byte[] {b})) break; // the evaluator hung up: the expected end
                     Thread.sleep(1000); // the hostile behaviour itself: one byte a second
                 }
             })) {
            CompletableFuture<ContactResult> h = engine.contact(new ContactTarget(INFO_HASH, honest.address(), PIECES));
            CompletableFuture<ContactResult> g = engine.contact(new ContactTarget(INFO_HASH, garbage.address(), PIECES));
            CompletableFuture<ContactResult> f = engine.contact(new ContactTarget(INFO_HASH, huge.address(), PIECES));
            CompletableFuture<ContactResult> d = engine.contact(new ContactTarget(INFO_HASH, dribble.address(), PIECES));
            assertThat(connected.await(20, TimeUnit.SECONDS)).as("all four peers connected").isTrue();
            assertThat(stats.inFlight()).as("all four sessions held open by their peers").isEqualTo(4);
            go.countDown();
            CompletableFuture.allOf(g, f).whenComplete((v, e) -> {
                hostileOver.countDown();
                hostileOver.countDown();
            });
            assertThat(g.get(20, TimeUnit.SECONDS).failure()).isEqualTo(FailureReason.PROTOCOL_VIOLATION);
            assertThat(f.get(20, TimeUnit.SECONDS).failure()).isEqualTo(FailureReason.FRAME_TOO_LARGE);
            ContactResult honestResult = h.get(20, TimeUnit.SECONDS);
            assertThat(honestResult.failure()).isNull();
            assertThat(honestResult.pieces()).as("the have sent after both hostile contacts ended").isEqualTo(34);
            assertThat(d.get(20, TimeUnit.SECONDS).failure()).isEqualTo(FailureReason.NO_HANDSHAKE);
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.completed()).isEqualTo(4);
            assertThat(stats.successes()).isEqualTo(1);
        }
    }
}
