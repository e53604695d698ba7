package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.btda.protocol.holepunch.HolepunchMessage.ErrorCode;
import org.junit.jupiter.api.Test;

/** BEP 55 bookkeeping on a hand-driven clock: candidates and expectations are bounded, expire, and are counted. */
class HolepunchTest {

    private static final String T1 = "11".repeat(20);
    private static final String T2 = "22".repeat(20);
    private static final InetSocketAddress RELAY = ep("198.51.100.1", 6881);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Holepunch.Limits limits = new Holepunch.Limits(Duration.ofSeconds(60), 2, 3, 2, 2,
            Duration.ofSeconds(3), Duration.ofSeconds(10), 2, 1);
    private final Holepunch hp = new Holepunch(limits, now::get);

    static InetSocketAddress ep(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void anUnreachablePeerIsOfferedToTheNextRelayOfItsTorrentOnly() {
        hp.unreachable(T1, ep("203.0.113.5", 6881));
        assertThat(hp.wantsRelay(T1)).isTrue();
        assertThat(hp.wantsRelay(T2)).isFalse();
        assertThat(hp.forRelay(T2, RELAY)).isEmpty();
        assertThat(hp.forRelay(T1, RELAY)).containsExactly(ep("203.0.113.5", 6881));
        // taken: the next relay session does not ask again until the peer fails again or the relay says NotConnected
        assertThat(hp.forRelay(T1, RELAY)).isEmpty();
        assertThat(hp.wantsRelay(T1)).isFalse();
        assertThat(hp.count(Holepunch.Event.RENDEZVOUS_SENT)).isEqualTo(1);
    }

    @Test
    void aRelaySessionAsksAboutABoundedNumberAndNeverAboutTheRelayItself() {
        hp.unreachable(T1, RELAY); // the relay's own endpoint (BEP 55 NoSelf)
        hp.unreachable(T1, ep("203.0.113.5", 6881));
        hp.unreachable(T1, ep("203.0.113.6", 6881));
        List<InetSocketAddress> asked = hp.forRelay(T1, RELAY);
        assertThat(asked).hasSize(limits.rendezvousPerSession()).doesNotContain(RELAY);
        assertThat(hp.candidateCount()).isEqualTo(1);
    }

    @Test
    void candidatesAreBoundedPerTorrentAndInTorrentsAndTheDroppedAreCounted() {
        for (int i = 1; i <= 5; i++) hp.unreachable(T1, ep("203.0.113." + i, 6881));
        assertThat(hp.candidateCount()).isEqualTo(limits.maxPerTorrent());
        assertThat(hp.count(Holepunch.Event.CANDIDATE_DROPPED)).isEqualTo(2);
        hp.unreachable(T2, ep("203.0.113.9", 6881));
        hp.unreachable("33".repeat(20), ep("203.0.113.10", 6881)); // a third torrent: the least recently touched goes
        assertThat(hp.wantsRelay(T1)).isFalse();
        assertThat(hp.candidateCount()).isEqualTo(2);
        assertThat(hp.count(Holepunch.Event.CANDIDATE_DROPPED)).isEqualTo(2 + 3);
    }

    @Test
    void candidatesExpire() {
        hp.unreachable(T1, ep("203.0.113.5", 6881));
        advance(Duration.ofSeconds(59));
        assertThat(hp.wantsRelay(T1)).isTrue();
        advance(Duration.ofSeconds(2));
        assertThat(hp.wantsRelay(T1)).isFalse();
        assertThat(hp.forRelay(T1, RELAY)).isEmpty();
        assertThat(hp.count(Holepunch.Event.CANDIDATE_EXPIRED)).isEqualTo(1);
    }

    @Test
    void notConnectedPutsTheCandidateBackForAnotherRelayUntilItsAsksAreSpent() {
        InetSocketAddress target = ep("203.0.113.5", 6881);
        hp.unreachable(T1, target);
        assertThat(hp.forRelay(T1, RELAY)).containsExactly(target);
        hp.answered(T1, target, ErrorCode.NOT_CONNECTED);
        assertThat(hp.forRelay(T1, ep("198.51.100.2", 6881))).containsExactly(target);
        hp.answered(T1, target, ErrorCode.NOT_CONNECTED);
        assertThat(hp.wantsRelay(T1)).as("asked %d relays: given up", limits.maxAsks()).isFalse();
        assertThat(hp.count(Holepunch.Event.ERROR_NOT_CONNECTED)).isEqualTo(2);
    }

    @Test
    void everyErrorCodeIsCountedAndOnlyAnInvalidEndpointEndsTheCandidateAtOnce() {
        InetSocketAddress target = ep("203.0.113.5", 6881);
        hp.unreachable(T1, target);
        assertThat(hp.forRelay(T1, RELAY)).containsExactly(target);
        hp.answered(T1, target, ErrorCode.NO_SUCH_PEER);
        assertThat(hp.wantsRelay(T1)).as("NoSuchPeer: the endpoint is wrong").isFalse();
        for (ErrorCode code : List.of(ErrorCode.NO_SUPPORT, ErrorCode.NO_SELF, ErrorCode.UNKNOWN)) {
            hp.unreachable(T1, target); // a fresh failure: asks start over
            assertThat(hp.forRelay(T1, RELAY)).containsExactly(target);
            hp.answered(T1, target, code);
            assertThat(hp.wantsRelay(T1)).as(code.name() + ": another relay, or the same one later, may do").isTrue();
            assertThat(hp.forRelay(T1, RELAY)).containsExactly(target);
            hp.answered(T1, target, code);
            assertThat(hp.wantsRelay(T1)).as(code.name() + ": asks spent").isFalse();
        }
        hp.answered(T1, ep("192.0.2.1", 1), ErrorCode.NOT_CONNECTED); // about nothing we asked: counted, nothing else
        assertThat(hp.wantsRelay(T1)).isFalse();
        assertThat(hp.count(Holepunch.Event.ERROR_NO_SUCH_PEER)).isEqualTo(1);
        assertThat(hp.count(Holepunch.Event.ERROR_NO_SUPPORT)).isEqualTo(2);
        assertThat(hp.count(Holepunch.Event.ERROR_NO_SELF)).isEqualTo(2);
        assertThat(hp.count(Holepunch.Event.ERROR_UNKNOWN)).isEqualTo(2);
        assertThat(hp.count(Holepunch.Event.ERROR_NOT_CONNECTED)).isEqualTo(1);
    }

    @Test
    void anExpectedAddressLetsOneSynInWithinTheWindow() {
        assertThat(hp.takeExpected(ep("203.0.113.5", 6881))).as("nobody announced it").isNull();
        assertThat(hp.expect(ep("203.0.113.5", 6881), true)).isTrue();
        // by address: the NAT may give the peer's new flow another port
        assertThat(hp.takeExpected(ep("203.0.113.5", 40000))).as("known by the endpoint we asked about")
                .isEqualTo(new Holepunch.Introduction(ep("203.0.113.5", 6881), true));
        assertThat(hp.takeExpected(ep("203.0.113.5", 6881))).as("one introduction, one connection").isNull();
        hp.expect(ep("203.0.113.6", 6881), false);
        advance(Duration.ofSeconds(11));
        assertThat(hp.takeExpected(ep("203.0.113.6", 6881))).as("expired").isNull();
        assertThat(hp.count(Holepunch.Event.SYN_ACCEPTED)).isEqualTo(1);
        assertThat(hp.count(Holepunch.Event.EXPECTATION_EXPIRED)).isEqualTo(1);
        assertThat(hp.count(Holepunch.Event.CONNECT_SOLICITED)).isEqualTo(1);
        assertThat(hp.count(Holepunch.Event.CONNECT_UNSOLICITED)).isEqualTo(1);
    }

    @Test
    void expectationsAreBounded() {
        assertThat(hp.expect(ep("203.0.113.1", 1), true)).isTrue();
        assertThat(hp.expect(ep("203.0.113.2", 1), true)).isTrue();
        assertThat(hp.expect(ep("203.0.113.3", 1), true)).isFalse();
        assertThat(hp.expect(ep("203.0.113.2", 2), true)).as("renewing a known one needs no room").isTrue();
        assertThat(hp.expectedCount()).isEqualTo(limits.maxExpected());
        assertThat(hp.count(Holepunch.Event.CONNECT_DROPPED)).isEqualTo(1);
    }
}
