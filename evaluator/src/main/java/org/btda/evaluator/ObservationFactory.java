package org.btda.evaluator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.btda.common.identity.PeerKeys;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.net.Networks;
import org.btda.evaluator.contact.ContactResult;
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

    public ObservationFactory(String instanceId, PeerKeys peerKeys) {
        this.instanceId = instanceId;
        this.peerKeys = peerKeys;
    }

    public Observation observation(ContactRequest req, ContactResult r) {
        InetAddress address = r.target().address().getAddress();
        String client = r.peerId() == null ? null : ClientIds.withExtension(ClientIds.describe(r.peerId()), r.extClient());
        return new Observation(req.getId(), req.getInfoHash(), req.getPeerKey(), IdentityKind.LISTEN_PORT,
                Instant.ofEpochMilli(r.observedAtMillis()), req.getSource(), r.success(), r.failure(),
                truncate(r.failureDetail()), r.pieces(), req.getTotalPieces(), req.getPieceLength(),
                r.peerId() == null ? null : ByteBuffer.wrap(r.peerId()), client,
                r.reserved() == null ? null : ByteBuffer.wrap(r.reserved()), r.extClient(), r.extListenPort(),
                r.extReqq(), r.extMetadataSize(), r.extMessages(), r.messagesReceived(), r.sessionMillis(),
                r.longestGapMillis(), null, Networks.truncate(address), instanceId);
    }

    /** PEX-announced endpoints as discoveries of the same torrent, keyed like every per-peer topic. */
    public List<Keyed<PeerDiscovered>> discoveries(ContactRequest req, ContactResult r) {
        List<Keyed<PeerDiscovered>> out = new ArrayList<>(r.pexPeers().size());
        Instant now = Instant.now();
        for (InetSocketAddress a : r.pexPeers()) {
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
