package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.btda.protocol.wire.PexMessage;
import org.junit.jupiter.api.Test;

/** The transport rules without sockets: order of attempts, when to retry the other way, what is reported. */
class TransportPolicyTest {

    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6881);
    private static final ContactTarget TARGET = new ContactTarget(new byte[20], PEER, 10);

    private static ContactResult result(Transport t, FailureReason failure, String detail, byte[] peerId) {
        return new ContactResult(TARGET, failure, detail, null, 0, 0, peerId, null, null, null, null, null, null, 0, 0, 0,
                List.of(), t, org.btda.events.Encryption.PLAIN);
    }

    @Test
    void orderFollowsTheModeAndTheHint() {
        assertThat(TransportPolicy.order(TransportMode.AUTO, Transport.TCP, true)).containsExactly(Transport.TCP, Transport.UTP);
        assertThat(TransportPolicy.order(TransportMode.AUTO, Transport.UTP, true)).containsExactly(Transport.UTP, Transport.TCP);
        assertThat(TransportPolicy.order(TransportMode.TCP, Transport.UTP, true)).containsExactly(Transport.TCP);
        assertThat(TransportPolicy.order(TransportMode.UTP, Transport.TCP, true)).containsExactly(Transport.UTP);
        // no uTP socket: TCP whatever the mode
        assertThat(TransportPolicy.order(TransportMode.UTP, Transport.UTP, false)).containsExactly(Transport.TCP);
    }

    @Test
    void aTorrentWaitingForARelayPutsUtpFirstInAutoModeOnly() {
        assertThat(TransportPolicy.order(TransportMode.AUTO, Transport.TCP, true, true, true)).containsExactly(Transport.UTP, Transport.TCP);
        assertThat(TransportPolicy.order(TransportMode.AUTO, null, true, true, true)).containsExactly(Transport.UTP, Transport.TCP);
        assertThat(TransportPolicy.order(TransportMode.TCP, null, true, true, true)).containsExactly(Transport.TCP);
        assertThat(TransportPolicy.order(TransportMode.AUTO, null, false, true, true)).containsExactly(Transport.TCP);
    }

    @Test
    void onlyConnectFailuresMakeAHolepunchCandidate() {
        for (FailureReason r : FailureReason.values()) {
            boolean expected = r == FailureReason.REFUSED || r == FailureReason.CONNECT_TIMEOUT || r == FailureReason.UNREACHABLE;
            assertThat(TransportPolicy.unreachable(r)).as(r.name()).isEqualTo(expected);
        }
        assertThat(TransportPolicy.unreachable(null)).as("success").isFalse();
    }

    @Test
    void onlyFailuresBeforeAnyBitTorrentByteAreRetriedTheOtherWay() {
        for (FailureReason r : List.of(FailureReason.REFUSED, FailureReason.CONNECT_TIMEOUT, FailureReason.UNREACHABLE)) {
            assertThat(TransportPolicy.retryOther(result(Transport.TCP, r, "x", null))).as(r.name()).isTrue();
        }
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.RESET, "reset", null))).isTrue();
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.NO_HANDSHAKE,
                SessionHandler.CLOSED_BEFORE_HANDSHAKE, null))).isTrue();
        // silence is not a hang-up: the peer may just be slow, a second dial would not help
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.NO_HANDSHAKE, "no handshake within 6 s", null)))
                .isFalse();
        // a peer that answered is never contacted twice in one go
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.RESET, "reset", new byte[20]))).isFalse();
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.WRONG_INFO_HASH, "x", new byte[20]))).isFalse();
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, null, null, new byte[20]))).isFalse();
        assertThat(TransportPolicy.retryOther(result(Transport.TCP, FailureReason.OVERLOADED, "x", null))).isFalse();
    }

    @Test
    void afterTwoConnectFailuresTcpsReasonIsReported() {
        ContactResult tcp = result(Transport.TCP, FailureReason.REFUSED, "refused", null);
        ContactResult utp = result(Transport.UTP, FailureReason.CONNECT_TIMEOUT, "uTP connect timed out", null);
        ContactResult utpOk = result(Transport.UTP, null, null, new byte[20]);
        assertThat(TransportPolicy.report(tcp, utp)).isSameAs(tcp);
        assertThat(TransportPolicy.report(utp, tcp)).isSameAs(tcp);
        assertThat(TransportPolicy.report(tcp, utpOk)).isSameAs(utpOk);
    }

    /** A retry that could not even be attempted (uTP connection table full) must not hide what the first attempt found. */
    @Test
    void aRetryRefusedLocallyLeavesTheFirstResultStanding() {
        ContactResult tcpRefused = result(Transport.TCP, FailureReason.REFUSED, "refused", null);
        ContactResult tcpReset = result(Transport.TCP, FailureReason.RESET, "reset", null);
        ContactResult utpFull = result(Transport.UTP, FailureReason.OVERLOADED, "uTP connection table full", null);
        assertThat(TransportPolicy.report(tcpRefused, utpFull)).isSameAs(tcpRefused);
        assertThat(TransportPolicy.report(tcpReset, utpFull)).isSameAs(tcpReset);
        ContactResult utpTimeout = result(Transport.UTP, FailureReason.CONNECT_TIMEOUT, "uTP connect timed out", null);
        ContactResult tcpNoFd = result(Transport.TCP, FailureReason.OVERLOADED, "too many open files", null);
        assertThat(TransportPolicy.report(utpTimeout, tcpNoFd)).isSameAs(utpTimeout);
    }

    /**
     * A TCP-only client that drops a second connection from an address it already talks to (ctorrent, rTorrent) hangs
     * up before its handshake in plaintext and encrypted alike: the encryption retry's note must not hide the hang-up
     * from the transport rule, uTP is tried once, and when it cannot connect the observation carries TCP's reason.
     */
    @Test
    void aHangUpAfterTheEncryptionRetryStillTriesUtpAndReportsTcpsReason() {
        ContactResult tcp = result(Transport.TCP, FailureReason.NO_HANDSHAKE, SessionHandler.CLOSED_BEFORE_HANDSHAKE, null)
                .withFailureDetail(SessionHandler.CLOSED_BEFORE_HANDSHAKE + "; retried encrypted: NO_HANDSHAKE");
        assertThat(TransportPolicy.retryOther(tcp)).isTrue();
        ContactResult utp = result(Transport.UTP, FailureReason.CONNECT_TIMEOUT, "uTP connect timed out", null);
        assertThat(TransportPolicy.report(tcp, utp)).isSameAs(tcp);
        // a peer that sent its handshake and then broke off is not dialled over uTP in the same contact
        ContactResult answered = result(Transport.TCP, FailureReason.NO_HANDSHAKE, SessionHandler.CLOSED_BEFORE_HANDSHAKE, new byte[20]);
        assertThat(TransportPolicy.retryOther(answered)).isFalse();
    }

    @Test
    void memoryPrefersWhatWorkedThenWhatPexAnnouncedAndStaysBounded() {
        TransportMemory m = new TransportMemory(2);
        assertThat(m.preferred(PEER)).isEqualTo(Transport.TCP);
        m.pexFlags(PEER, PexMessage.PexPeer.SEED);
        assertThat(m.preferred(PEER)).isEqualTo(Transport.TCP);
        m.pexFlags(PEER, PexMessage.PexPeer.SUPPORTS_UTP | PexMessage.PexPeer.SEED);
        assertThat(m.preferred(PEER)).isEqualTo(Transport.UTP);
        m.worked(PEER, Transport.TCP);
        assertThat(m.preferred(PEER)).isEqualTo(Transport.TCP);
        m.worked(PEER, Transport.UTP);
        assertThat(m.preferred(PEER)).isEqualTo(Transport.UTP);
        for (int port = 1; port <= 10; port++) m.worked(new InetSocketAddress(PEER.getAddress(), port), Transport.UTP);
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.preferred(PEER)).as("evicted: back to the default").isEqualTo(Transport.TCP);
    }
}
