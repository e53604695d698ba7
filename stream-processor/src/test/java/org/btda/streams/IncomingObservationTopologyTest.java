package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.streams.TopologyFixture.IH;
import static org.btda.streams.TopologyFixture.T0;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.btda.common.identity.EndpointSealer;
import org.btda.events.ContactRequest;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.junit.jupiter.api.Test;

/**
 * Observations of incoming peers (passive mode) arrive for peers no harvester ever discovered: the topology creates
 * their state and, when the evaluator sealed the BEP 10 listen endpoint (identity LISTEN_PORT), revisits them.
 */
class IncomingObservationTopologyTest {

    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final StreamsSettings CFG = StreamsSettings.defaults().withRevisitDelay(DELAY);

    private static byte[] sealed(String ip, int port) throws Exception {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 7); // TopologyFixture.vault()'s secret
        return new EndpointSealer(secret).seal(InetAddress.getByName(ip), port);
    }

    private static Observation incoming(String peerKey, IdentityKind identity, byte[] sealed, Integer pieces) {
        return Observation.newBuilder(TopologyFixture.observation(IH, peerKey, null, T0, pieces, 100, 16384))
                .setSource(PeerSource.INCOMING).setIdentity(identity)
                .setSealedEndpoint(sealed == null ? null : ByteBuffer.wrap(sealed)).build();
    }

    @Test
    void incomingPeerWithListenPortGetsStateAndIsRevisitedAtItsSealedEndpoint() throws Exception {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.observations.pipeInput(TopologyFixture.ref("in1"), incoming("in1", IdentityKind.LISTEN_PORT, sealed("203.0.113.5", 6881), 40));

            assertThat(f.contacts.readValuesToList()).as("no contact at once: it was just evaluated").isEmpty();
            PeerSummary s = f.peers.readValuesToList().get(0);
            assertThat(s.getFirstSource()).isEqualTo(PeerSource.INCOMING);
            assertThat(s.getIdentity()).isEqualTo(IdentityKind.LISTEN_PORT);
            assertThat(s.getLastPieces()).isEqualTo(40);
            assertThat(s.getNextContactAt()).isEqualTo(T0.plus(DELAY));

            f.advance(DELAY.plusSeconds(1));
            List<ContactRequest> reqs = f.contacts.readValuesToList();
            assertThat(reqs).singleElement().satisfies(r -> {
                assertThat(r.getPeerKey()).isEqualTo("in1");
                assertThat(r.getSource()).isEqualTo(PeerSource.INCOMING);
                assertThat(new InetSocketAddress(InetAddress.getByAddress(bytes(r.getEndpoint().getAddress())), r.getEndpoint().getPort()))
                        .isEqualTo(new InetSocketAddress("203.0.113.5", 6881));
                assertThat(r.getTotalPieces()).isEqualTo(100);
            });
        }
    }

    @Test
    void incomingPeerKeyedByPeerIdIsCountedButNeverDialled() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.observations.pipeInput(TopologyFixture.ref("in2"), incoming("in2", IdentityKind.PEER_ID, null, 10));
            PeerSummary s = f.peers.readValuesToList().get(0);
            assertThat(s.getIdentity()).isEqualTo(IdentityKind.PEER_ID);
            assertThat(s.getContacts()).isEqualTo(1);
            assertThat(s.getNextContactAt()).isNull();
            f.advance(DELAY.multipliedBy(3));
            assertThat(f.contacts.readValuesToList()).isEmpty();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
