package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.evaluator.contact.ContactEngineTest.INFO_HASH;
import static org.btda.evaluator.contact.ContactEngineTest.PIECES;
import static org.btda.evaluator.contact.ContactEngineTest.goodHandshake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.bench.RawWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A contact ends once the piece count is known and the grace has passed, whatever the peer does next: a downloading
 * peer streaming haves no longer holds a session to the quiet timeout or the session cap, and haves that follow a
 * partial bitfield within the grace still count.
 */
class PieceCountGraceTest {
    private static final Duration GRACE = Duration.ofMillis(500);
    /** Far longer than the grace: a session that lasts this long was not ended by it. */
    private static final Duration QUIET = Duration.ofSeconds(10);
    private static final Duration CAP = Duration.ofSeconds(30);

    private EvaluatorStats stats;
    private ContactEngine engine;

    @BeforeEach
    void start() {
        stats = new EvaluatorStats();
        engine = new ContactEngine(EvaluatorConfig.defaults().withTimeouts(Duration.ofSeconds(2), QUIET, CAP)
                .withPieceGrace(GRACE), stats, a -> false);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private ContactResult contact(FakePeer peer) throws Exception {
        return engine.contact(new ContactTarget(INFO_HASH, peer.address(), PIECES)).get(60, TimeUnit.SECONDS);
    }

    @Test
    void aPeerStreamingHavesIsLeftOnceItsCountHasSettled() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES, 10)));
            // a have every 100 ms for up to 40 s: without the grace the quiet timeout never ends this session
            for (int i = 10; i < PIECES && c.sendUnlessClosed(RawWire.have(i)); i++) {
                Thread.sleep(100); // the peer's behaviour: downloading
            }
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isBetween(10, PIECES - 1);
            assertThat(r.sessionMillis()).as("ended by the grace, not the quiet timeout or the cap")
                    .isGreaterThanOrEqualTo(GRACE.toMillis()).isLessThan(QUIET.toMillis());
            assertThat(r.observedAtMillis()).as("the time of the last count read").isGreaterThan(r.startedAtMillis());
        }
    }

    @Test
    void havesRightAfterAPartialBitfieldAreCounted() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            // a lazy bitfield: 40 pieces announced, two more as haves in the same burst, then nothing
            c.send(RawWire.concat(goodHandshake(), RawWire.bitfield(PIECES, 40), RawWire.have(60), RawWire.have(61)));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(42);
            assertThat(r.sessionMillis()).isLessThan(QUIET.toMillis());
        }
    }

    @Test
    void haveAllAndHaveNoneSettleTheCountToo() throws Exception {
        for (byte[] announce : new byte[][] {RawWire.haveAll(), RawWire.haveNone()}) {
            try (FakePeer peer = new FakePeer(c -> {
                c.readHandshake();
                c.send(RawWire.concat(goodHandshake(), announce));
                c.readToEnd();
            })) {
                ContactResult r = contact(peer);
                assertThat(r.success()).isTrue();
                assertThat(r.pieces()).isIn(0, PIECES);
                assertThat(r.sessionMillis()).isLessThan(QUIET.toMillis());
            }
        }
    }

    @Test
    void aPeerThatAnnouncesNothingStillEndsByTheQuietTimeout() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.keepAlive()));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).as("silence is unknown").isNull();
            assertThat(r.sessionMillis()).isGreaterThanOrEqualTo(QUIET.toMillis());
        }
    }
    /** A grace far longer than any seed's session: a seed contact that ends before it was not ended by it. */
    private static final Duration LONG_GRACE = Duration.ofSeconds(20);

    private ContactResult contactWithLongGrace(FakePeer peer) throws Exception {
        try (ContactEngine e = new ContactEngine(EvaluatorConfig.defaults().withTimeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(40), Duration.ofSeconds(60)).withPieceGrace(LONG_GRACE), stats, a -> false)) {
            return e.contact(new ContactTarget(INFO_HASH, peer.address(), PIECES)).get(90, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSeedIsLeftAsSoonAsItHasIntroducedItselfAndSentItsFirstPex() throws Exception {
        byte[] pex = org.btda.protocol.bencode.Bencode.encode(Map.of("added", new byte[] {10, 0, 0, 7, 0x1A, (byte) 0xE1}));
        for (byte[] announce : new byte[][] {RawWire.bitfield(PIECES, PIECES), RawWire.haveAll()}) {
            try (FakePeer peer = new FakePeer(c -> {
                c.readHandshake();
                // the count first, the extended handshake and the first PEX later: the contact waits for both
                c.send(RawWire.concat(goodHandshake(), announce));
                Thread.sleep(300); // the peer's behaviour: a slow introduction
                c.send(RawWire.extendedHandshake(Map.of("v", "Seed 1.0", "p", 51413, "m", Map.of("ut_pex", 3))));
                Thread.sleep(300); // the peer's behaviour: PEX a moment after the handshake, as libtorrent does
                c.send(RawWire.extended(1, pex)); // under the id btda assigned (1)
                c.readToEnd();
            })) {
                ContactResult r = contactWithLongGrace(peer);
                assertThat(r.success()).isTrue();
                assertThat(r.pieces()).isEqualTo(PIECES);
                assertThat(r.extClient()).as("the introduction that followed the count").isEqualTo("Seed 1.0");
                assertThat(r.extListenPort()).isEqualTo(51413);
                assertThat(r.pexPeers()).as("the PEX that followed it").hasSize(1);
                assertThat(r.sessionMillis()).as("ended by the complete count, not the grace").isLessThan(LONG_GRACE.toMillis());
            }
        }
    }

    @Test
    void aSeedThatOffersPexButSendsNoneGetsTheWholeGrace() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.extendedHandshake(Map.of("m", Map.of("ut_pex", 3))),
                    RawWire.haveAll()));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(PIECES);
            assertThat(r.sessionMillis()).as("its PEX may still come").isGreaterThanOrEqualTo(GRACE.toMillis());
        }
    }

    @Test
    void aSeedWithoutPexIsLeftAtItsIntroduction() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.extendedHandshake(Map.of("v", "NoPex 1.0")), RawWire.haveAll()));
            c.readToEnd();
        })) {
            ContactResult r = contactWithLongGrace(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.extClient()).isEqualTo("NoPex 1.0");
            assertThat(r.sessionMillis()).isLessThan(LONG_GRACE.toMillis());
        }
    }

    @Test
    void aSeedWithoutTheExtensionProtocolIsLeftAtItsCount() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(RawWire.handshake(INFO_HASH, ContactEngineTest.PEER_ID, false, false),
                    RawWire.bitfield(PIECES, PIECES)));
            c.readToEnd();
        })) {
            ContactResult r = contactWithLongGrace(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(PIECES);
            assertThat(r.sessionMillis()).isLessThan(LONG_GRACE.toMillis());
        }
    }

    @Test
    void aLeecherStillGetsTheWholeGrace() throws Exception {
        try (FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(goodHandshake(), RawWire.extendedHandshake(Map.of("v", "Leech 1.0")),
                    RawWire.bitfield(PIECES, PIECES - 1)));
            c.readToEnd();
        })) {
            ContactResult r = contact(peer);
            assertThat(r.success()).isTrue();
            assertThat(r.pieces()).isEqualTo(PIECES - 1);
            assertThat(r.sessionMillis()).as("one piece short: haves may still complete a lazy bitfield")
                    .isGreaterThanOrEqualTo(GRACE.toMillis());
        }
    }
}
