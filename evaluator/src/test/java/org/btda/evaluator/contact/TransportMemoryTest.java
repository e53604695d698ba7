package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.btda.protocol.wire.PexMessage;
import org.junit.jupiter.api.Test;

/** What the transport memory learns from a failed uTP connect, and how long it holds against PEX's uTP flag. */
class TransportMemoryTest {

    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6881);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TransportMemory memory = new TransportMemory(16, now::get);

    private List<Transport> autoOrder() {
        return TransportPolicy.order(TransportMode.AUTO, memory.preferred(PEER), true, memory.utpWorthTrying(PEER));
    }

    private void advance(java.time.Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aPeerNobodyKnowsGetsTcpThenUtp() {
        assertThat(memory.utpWorthTrying(PEER)).isTrue();
        assertThat(autoOrder()).containsExactly(Transport.TCP, Transport.UTP);
    }

    @Test
    void aFailedUtpConnectKeepsUtpOutOfTheNextContactsForAnHour() {
        memory.utpFailedToConnect(PEER);
        assertThat(autoOrder()).as("TCP-only peer that hung up, then uTP timed out").containsExactly(Transport.TCP);
        advance(TransportMemory.UTP_FAILURE_MEMORY.minusSeconds(1));
        assertThat(autoOrder()).containsExactly(Transport.TCP);
        advance(java.time.Duration.ofSeconds(1));
        assertThat(autoOrder()).as("after an hour uTP is tried again").containsExactly(Transport.TCP, Transport.UTP);
    }

    @Test
    void thePeersOwnUtpSilenceOutranksAThirdPartysPexFlag() {
        memory.pexFlags(PEER, PexMessage.PexPeer.SUPPORTS_UTP);
        assertThat(autoOrder()).containsExactly(Transport.UTP, Transport.TCP);
        memory.utpFailedToConnect(PEER);
        // PEX keeps flagging it (libtorrent marks peers it reached over uTP, or says so for other reasons): still TCP only
        memory.pexFlags(PEER, PexMessage.PexPeer.SUPPORTS_UTP | PexMessage.PexPeer.PREFERS_ENCRYPTION);
        assertThat(autoOrder()).containsExactly(Transport.TCP);
        advance(TransportMemory.UTP_FAILURE_MEMORY);
        assertThat(autoOrder()).as("the flag counts again once the failure is old").containsExactly(Transport.UTP, Transport.TCP);
    }

    @Test
    void aPeerThatEverAnsweredOverUtpKeepsBothAttempts() {
        memory.worked(PEER, Transport.UTP);
        memory.utpFailedToConnect(PEER); // e.g. it restarted: its next contact must still try uTP, then TCP
        assertThat(autoOrder()).containsExactly(Transport.UTP, Transport.TCP);
    }

    @Test
    void aTcpSuccessDoesNotBringUtpBackBeforeItsTime() {
        memory.utpFailedToConnect(PEER);
        memory.worked(PEER, Transport.TCP);
        assertThat(autoOrder()).containsExactly(Transport.TCP);
    }

    @Test
    void aUtpSuccessAfterAFailureClearsIt() {
        memory.utpFailedToConnect(PEER);
        memory.worked(PEER, Transport.UTP);
        assertThat(autoOrder()).containsExactly(Transport.UTP, Transport.TCP);
    }

    @Test
    void theExplicitModesIgnoreTheMemory() {
        memory.utpFailedToConnect(PEER);
        assertThat(TransportPolicy.order(TransportMode.UTP, memory.preferred(PEER), true, memory.utpWorthTrying(PEER)))
                .containsExactly(Transport.UTP);
        assertThat(TransportPolicy.order(TransportMode.TCP, memory.preferred(PEER), true, memory.utpWorthTrying(PEER)))
                .containsExactly(Transport.TCP);
    }

    @Test
    void onlyAUtpAttemptThatNeverConnectedCountsAsAFailedUtpConnect() {
        ContactTarget target = new ContactTarget(new byte[20], PEER, 10);
        for (FailureReason r : List.of(FailureReason.CONNECT_TIMEOUT, FailureReason.REFUSED, FailureReason.UNREACHABLE)) {
            assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.UTP, r, null))).as(r.name()).isTrue();
            assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.TCP, r, null))).as("TCP " + r).isFalse();
        }
        // a uTP connection that came up speaks uTP, whatever happened next
        assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.UTP, FailureReason.NO_HANDSHAKE, null))).isFalse();
        assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.UTP, FailureReason.RESET, null))).isFalse();
        assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.UTP, FailureReason.OVERLOADED, null))).isFalse();
        assertThat(TransportPolicy.utpConnectFailed(result(target, Transport.UTP, null, new byte[20]))).isFalse();
    }

    @Test
    void staysBounded() {
        for (int port = 1; port <= 100; port++) memory.utpFailedToConnect(new InetSocketAddress(PEER.getAddress(), port));
        assertThat(memory.size()).isEqualTo(16);
    }

    private static ContactResult result(ContactTarget target, Transport t, FailureReason failure, byte[] peerId) {
        return new ContactResult(target, failure, failure == null ? null : "x", null, 0, 0, peerId, null, null, null, null, null,
                null, 0, 0, 0, List.of(), t, org.btda.events.Encryption.PLAIN);
    }
}
