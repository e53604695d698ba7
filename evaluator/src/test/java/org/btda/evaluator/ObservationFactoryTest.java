package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.btda.common.identity.PeerKeys;
import org.btda.common.net.CidrSet;
import org.btda.common.net.PeerFilter;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.ContactTarget;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.junit.jupiter.api.Test;

class ObservationFactoryTest {

    static final String HASH = "00112233445566778899aabbccddeeff00112233";
    final PeerKeys keys = new PeerKeys(new byte[32]);
    final ObservationFactory f = new ObservationFactory("eval-1", keys);

    ContactRequest request(InetAddress a) {
        return new ContactRequest("req-1", HASH, "pk", new PeerEndpoint(ByteBuffer.wrap(a.getAddress()), 51413),
                Instant.now(), 2, PeerSource.DHT, 100, 262144L);
    }

    ContactTarget target(InetAddress a) {
        return new ContactTarget(java.util.HexFormat.of().parseHex(HASH), new InetSocketAddress(a, 51413), 100);
    }

    @Test
    void failureDetailsNeverCarryTheAddress() throws Exception {
        InetAddress a = InetAddress.getByName("203.0.113.45");
        ContactResult r = ContactResult.notDialled(target(a), FailureReason.REFUSED,
                "Connection refused: /203.0.113.45:51413");
        Observation o = f.observation(request(a), r);
        assertThat(o.getFailureDetail()).isEqualTo("Connection refused: <addr>");
        assertThat(o.getNetwork()).isEqualTo("203.0.113.0/24");
        assertThat(o.toString()).doesNotContain("203.0.113.45");

        InetAddress v6 = InetAddress.getByName("2001:db8:1:2::45");
        Observation o6 = f.observation(request(v6), ContactResult.notDialled(target(v6), FailureReason.RESET,
                "Connection reset: /[2001:db8:1:2:0:0:0:45]:51413"));
        assertThat(o6.getFailureDetail()).doesNotContain("2001").contains("<addr>");
        assertThat(o6.getNetwork()).isEqualTo("2001:db8:1::/48");
    }

    @Test
    void successCarriesClientExtensionFieldsAndEchoesTheRequest() throws Exception {
        InetAddress a = InetAddress.getByName("198.51.100.7");
        byte[] peerId = "-TR3000-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        ContactResult r = new ContactResult(target(a), null, null, 42, 1000, 2000, peerId, new byte[8], "Transmission 3.00",
                51413, 250, 9999L, Map.of("ut_pex", 1), 5, 7000, 1500,
                List.of(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 6881)),
                org.btda.events.Transport.TCP, org.btda.events.Encryption.RC4);
        Observation o = f.observation(request(a), r);
        assertThat(o.getTransport()).isEqualTo(org.btda.events.Transport.TCP);
        assertThat(o.getEncryption()).isEqualTo(org.btda.events.Encryption.RC4);
        assertThat(o.getHolepunch()).isFalse();
        assertThat(o.getRequestId()).isEqualTo("req-1");
        assertThat(o.getSource()).isEqualTo(PeerSource.DHT);
        assertThat(o.getSuccess()).isTrue();
        assertThat(o.getPieces()).isEqualTo(42);
        assertThat(o.getTotalPieces()).isEqualTo(100);
        assertThat(o.getPieceLength()).isEqualTo(262144L);
        assertThat(o.getObservedAt()).isEqualTo(Instant.ofEpochMilli(2000));
        assertThat(o.getClient()).contains("Transmission");
        assertThat(o.getExtListenPort()).isEqualTo(51413);
        assertThat(o.getExtMetadataSize()).isEqualTo(9999L);
        assertThat(o.getMessagesReceived()).isEqualTo(5);
        assertThat(o.getSessionMs()).isEqualTo(7000);
        assertThat(o.getLongestGapMs()).isEqualTo(1500);
        assertThat(o.getEvaluator()).isEqualTo("eval-1");
        assertThat(o.getSealedEndpoint()).isNull();

        var d = f.discoveries(request(a), r);
        assertThat(d).hasSize(1);
        assertThat(d.get(0).value().getPeerKey()).isEqualTo(keys.key(HASH, InetAddress.getByName("192.0.2.1"), 6881));
        assertThat(d.get(0).value().getSource()).isEqualTo(PeerSource.PEX);
        assertThat(d.get(0).key()).isEqualTo(HASH + ":" + d.get(0).value().getPeerKey());

        // our own listen port on one of our addresses, passed back by a peer that connected to us, is no discovery
        InetAddress ours = InetAddress.getByName("192.0.2.1");
        assertThat(f.discoveries(request(a), r, self(6881, java.util.Set.of(ours)))).isEmpty();
        assertThat(f.discoveries(request(a), r, self(7881, java.util.Set.of(ours)))).hasSize(1);
        assertThat(f.discoveries(request(a), r, self(6881, java.util.Set.of(InetAddress.getByName("192.0.2.2")))))
                .hasSize(1);
        assertThat(self(6881, java.util.Set.of())
                .test(new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 6881))).isTrue();
    }

    @Test
    void anIncomingClientWithoutListenPortIsThePeerBtdaReachedItAsWhenKnown() throws Exception {
        InetAddress a = InetAddress.getByName("198.51.100.8");
        byte[] peerId = "-CD0303-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        // ctorrent dials in from an ephemeral port and sends no BEP 10 p
        ContactTarget in = new ContactTarget(java.util.HexFormat.of().parseHex(HASH), new InetSocketAddress(a, 40001), 100);
        ContactResult r = new ContactResult(in, null, null, 30, 1000, 2000, peerId, new byte[8], null, null, null, null,
                null, 3, 500, 100, List.of(), org.btda.events.Transport.TCP, org.btda.events.Encryption.PLAIN);
        ListenPorts ports = new ListenPorts(2);

        Observation unknown = f.incoming(r, HASH, 16384, null, ports.lookup(HASH, a, peerId)).value();
        assertThat(unknown.getIdentity()).isEqualTo(IdentityKind.PEER_ID);
        assertThat(unknown.getPeerKey()).isEqualTo(keys.keyByPeerId(HASH, a, peerId));

        ports.remember(HASH, a, peerId, 6881); // a contact reached this client at its listen port
        Observation known = f.incoming(r, HASH, 16384, null, ports.lookup(HASH, a, peerId)).value();
        assertThat(known.getIdentity()).isEqualTo(IdentityKind.LISTEN_PORT);
        assertThat(known.getPeerKey()).as("the peer btda dials").isEqualTo(keys.key(HASH, a, 6881));

        // another client software on the same address or another torrent is not that peer
        byte[] other = "-TR4040-zzzzzzzzzzzz".getBytes(StandardCharsets.US_ASCII);
        assertThat(ports.lookup(HASH, a, other)).isNull();
        assertThat(ports.lookup("ff" + HASH.substring(2), a, peerId)).isNull();
        // bounded: the least recently used entries go first
        ports.remember(HASH, InetAddress.getByName("198.51.100.9"), peerId, 6882);
        ports.remember(HASH, InetAddress.getByName("198.51.100.10"), peerId, 6883);
        assertThat(ports.size()).isEqualTo(2);
        assertThat(ports.lookup(HASH, a, peerId)).isNull();
    }

    @Test
    void aClientWithAFreshPeerIdPerConnectionIsThePeerReachedAtTheOnlyPortOfItsAddress() throws Exception {
        // libtorrent 2.x: a random peer id per connection, and no BEP 10 p on its IPv6 connections until peers
        // confirmed its address
        InetAddress a = InetAddress.getByName("fd00:198:18::11");
        byte[] dialled = "-LT2080-mO9r2sWGIL*m".getBytes(StandardCharsets.US_ASCII);
        byte[] dialledIn = "-LT2080-WzK5wKrnY5vB".getBytes(StandardCharsets.US_ASCII);
        ContactTarget in = new ContactTarget(java.util.HexFormat.of().parseHex(HASH), new InetSocketAddress(a, 40001), 100);
        ContactResult r = new ContactResult(in, null, null, 30, 1000, 2000, dialledIn, new byte[8], null, null, null,
                null, null, 3, 500, 100, List.of(), org.btda.events.Transport.TCP, org.btda.events.Encryption.PLAIN);
        ListenPorts ports = new ListenPorts();
        ports.remember(HASH, a, dialled, 6881);
        ports.remember(HASH, a, "-LT2080-dqV.u20j7V-4".getBytes(StandardCharsets.US_ASCII), 6881);

        Observation o = f.incoming(r, HASH, 16384, null, ports.lookup(HASH, a, dialledIn)).value();
        assertThat(o.getIdentity()).isEqualTo(IdentityKind.LISTEN_PORT);
        assertThat(o.getPeerKey()).as("the peer btda dials").isEqualTo(keys.key(HASH, a, 6881));

        // a second port at that address: two clients behind it, so only exact peer ids still match
        byte[] second = "-LT2080-secondclient".getBytes(StandardCharsets.US_ASCII);
        ports.remember(HASH, a, second, 51413);
        assertThat(ports.lookup(HASH, a, dialledIn)).isNull();
        assertThat(ports.lookup(HASH, a, second)).isEqualTo(51413);
        assertThat(ports.lookup(HASH, a, dialled)).isEqualTo(6881);
        ports.remember(HASH, a, dialled, 6881);
        assertThat(ports.lookup(HASH, a, dialledIn)).as("stays ambiguous").isNull();
    }

    /** The evaluator's PEX rule: the shared PeerFilter, with no do-not-contact networks. */
    private static java.util.function.Predicate<InetSocketAddress> self(int listenPort, java.util.Set<InetAddress> local) {
        PeerFilter filter = new PeerFilter(listenPort, local, CidrSet.parse(java.util.List.of()));
        return a -> filter.check(a) != PeerFilter.Verdict.ACCEPT;
    }

    @Test
    void aUtpContactSaysSo() throws Exception {
        InetAddress a = InetAddress.getByName("198.51.100.8");
        ContactResult r = new ContactResult(target(a), null, null, 7, 1000, 2000,
                "-LT2080-abcdefghijkl".getBytes(StandardCharsets.US_ASCII), new byte[8], null, null, null, null, null, 2,
                3000, 500, List.of(), org.btda.events.Transport.UTP, org.btda.events.Encryption.PLAIN);
        Observation o = f.observation(request(a), r);
        assertThat(o.getTransport()).isEqualTo(org.btda.events.Transport.UTP);
        assertThat(o.getHolepunch()).isFalse();
        assertThat(o.getPieces()).isEqualTo(7);
    }
}
