package org.btda.evaluator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.PeerKeys;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.net.Networks;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.enrich.Enrichment;
import org.btda.events.ContactRequest;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.protocol.client.ClientIds;

/**
 * Turns a contact's result into the events btda publishes. The observation never carries a plaintext address: only the
 * truncated network; BEP 10 yourip/ipv4/ipv6 are never read in the first place.
 */
public final class ObservationFactory {

    static final int MAX_DETAIL = 200;

    private final String instanceId;
    private final PeerKeys peerKeys;
    private final EndpointSealer sealer;
    private final boolean storeAddresses;

    public ObservationFactory(String instanceId, PeerKeys peerKeys) {
        this(instanceId, peerKeys, null, false);
    }

    /**
     * @param sealer         seals incoming peers' endpoints (null: incoming observations carry none)
     * @param storeAddresses privacy.store-addresses: the explicit opt-in to put the plain address into observations
     */
    public ObservationFactory(String instanceId, PeerKeys peerKeys, EndpointSealer sealer, boolean storeAddresses) {
        this.instanceId = instanceId;
        this.peerKeys = peerKeys;
        this.sealer = sealer;
        this.storeAddresses = storeAddresses;
    }

    public Observation observation(ContactRequest req, ContactResult r) {
        return observation(req, r, null);
    }

    /** The observation answering a contact request, with the enrichment computed while the address was in memory. */
    public Observation observation(ContactRequest req, ContactResult r, Enrichment enrichment) {
        return common(r, enrichment).setRequestId(req.getId()).setInfoHash(req.getInfoHash()).setPeerKey(req.getPeerKey())
                .setIdentity(IdentityKind.LISTEN_PORT).setSource(req.getSource()).setTotalPieces(req.getTotalPieces())
                .setPieceLength(req.getPieceLength()).build();
    }

    /**
     * The observation of a peer that connected to us, keyed per docs/design.md: by the BEP 10 {@code p} when the peer
     * sent one (so the same peer reached actively and passively is one peer; its endpoint is sealed so the stream
     * processor can revisit it), otherwise by its peer id. Null when the peer gave no handshake (no identity).
     */
    public Keyed<Observation> incoming(ContactResult r, String infoHashHex, long pieceLength, Enrichment enrichment) {
        return incoming(r, infoHashHex, pieceLength, enrichment, null);
    }

    /**
     * As {@link #incoming(ContactResult, String, long, Enrichment)}; {@code knownPort} is the port at which btda reached
     * this client (same address and peer id) before, used when the peer sent no {@code p}: the client then stays the
     * peer btda already knows instead of becoming a second one keyed by its peer id.
     */
    public Keyed<Observation> incoming(ContactResult r, String infoHashHex, long pieceLength, Enrichment enrichment,
            Integer knownPort) {
        if (r.peerId() == null) return null;
        InetAddress address = r.target().address().getAddress();
        Integer p = validPort(r.extListenPort()) ? r.extListenPort() : knownPort;
        boolean byPort = validPort(p);
        String key = byPort ? peerKeys.key(infoHashHex, address, p) : peerKeys.keyByPeerId(infoHashHex, address, r.peerId());
        Observation.Builder b = common(r, enrichment).setRequestId(null).setInfoHash(infoHashHex).setPeerKey(key)
                .setIdentity(byPort ? IdentityKind.LISTEN_PORT : IdentityKind.PEER_ID).setSource(PeerSource.INCOMING)
                .setTotalPieces(r.target().totalPieces()).setPieceLength(pieceLength);
        if (byPort && sealer != null) b.setSealedEndpoint(ByteBuffer.wrap(sealer.seal(address, p)));
        return new Keyed<>(PeerRefs.key(infoHashHex, key), b.build());
    }

    static boolean validPort(Integer p) {
        return p != null && p > 0 && p <= 65535;
    }

    private Observation.Builder common(ContactResult r, Enrichment e) {
        InetAddress address = r.target().address().getAddress();
        String client = r.peerId() == null ? null : ClientIds.withExtension(ClientIds.describe(r.peerId()), r.extClient());
        Observation.Builder b = Observation.newBuilder()
                .setObservedAt(Instant.ofEpochMilli(r.observedAtMillis())).setSuccess(r.success()).setFailure(r.failure())
                .setFailureDetail(truncate(r.failureDetail())).setPieces(r.pieces())
                .setPeerId(r.peerId() == null ? null : ByteBuffer.wrap(r.peerId())).setClient(client)
                .setReserved(r.reserved() == null ? null : ByteBuffer.wrap(r.reserved())).setExtClient(r.extClient())
                .setExtListenPort(r.extListenPort()).setExtReqq(r.extReqq()).setExtMetadataSize(r.extMetadataSize())
                .setExtMessages(r.extMessages()).setMessagesReceived(r.messagesReceived()).setSessionMs(r.sessionMillis())
                .setLongestGapMs(r.longestGapMillis()).setSealedEndpoint(null).setNetwork(Networks.truncate(address))
                .setEvaluator(instanceId).setTransport(r.transport()).setEncryption(r.encryption())
                .setHolepunch(r.holepunch());
        if (e != null) {
            b.setCity(e.city()).setCountry(e.country()).setContinent(e.continent()).setLatitude(e.latitude())
                    .setLongitude(e.longitude()).setAsn(e.asn()).setAsOrg(e.asOrg()).setDomain(e.domain());
            if (e.client() != null && client == null) b.setClient(e.client());
        }
        b.setAddress(storeAddresses ? Networks.format(address) : null);
        if (r.success() && r.pieces() != null && r.filePieces() != null && r.target().files() != null) {
            b.setFilePieces(FileRuns.encode(r.target().files(), r.filePieces()));
        }
        return b;
    }

    /** PEX-announced endpoints as discoveries of the same torrent, keyed like every per-peer topic. */
    public List<Keyed<PeerDiscovered>> discoveries(ContactRequest req, ContactResult r) {
        return discoveries(req, r, a -> false);
    }

    /**
     * As {@link #discoveries(ContactRequest, ContactResult)}, without the endpoints {@code self} names: peers that
     * connected to our listener pass "our address:listen port" on by PEX, and contacting that would evaluate ourselves.
     */
    public List<Keyed<PeerDiscovered>> discoveries(ContactRequest req, ContactResult r, Predicate<InetSocketAddress> self) {
        List<Keyed<PeerDiscovered>> out = new ArrayList<>(r.pexPeers().size());
        Instant now = Instant.now();
        for (InetSocketAddress a : r.pexPeers()) {
            if (self.test(a)) continue;
            String key = peerKeys.key(req.getInfoHash(), a.getAddress(), a.getPort());
            PeerDiscovered d = new PeerDiscovered(req.getInfoHash(), key,
                    new PeerEndpoint(ByteBuffer.wrap(a.getAddress().getAddress()), a.getPort()), PeerSource.PEX, null, now);
            out.add(new Keyed<>(PeerRefs.key(req.getInfoHash(), key), d));
        }
        return out;
    }

    public record Keyed<T>(String key, T value) {
    }

    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("/?\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?");
    private static final java.util.regex.Pattern IPV6 =
            java.util.regex.Pattern.compile("/?\\[?[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\\]?(%\\w+)?(:\\d+)?");

    /** Failure details come from socket exceptions, whose messages name the endpoint: scrub addresses, then cap. */
    static String truncate(String s) {
        if (s == null) return null;
        String clean = IPV6.matcher(IPV4.matcher(s).replaceAll("<addr>")).replaceAll("<addr>");
        return clean.length() <= MAX_DETAIL ? clean : clean.substring(0, MAX_DETAIL);
    }
}
