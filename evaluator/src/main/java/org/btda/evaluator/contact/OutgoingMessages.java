package org.btda.evaluator.contact;

import java.util.LinkedHashMap;
import java.util.Map;

import org.btda.protocol.holepunch.HolepunchMessage;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.PeerMessage;

/**
 * The only messages btda sends after the handshake (besides BEP 55 rendezvous and its answers, see {@link HolepunchTalk}), as protocol messages for the wire encoder
 * ({@link org.btda.protocol.wire.PeerMessageEncoder}, which refuses anything that would claim or ask for pieces).
 * Deliberately no request, piece, bitfield or have.
 */
final class OutgoingMessages {

    /** reqq: btda never serves requests; a small honest queue length rather than the BEP 10 default of 250. */
    static final int REQUEST_QUEUE = 1;

    /** BEP 10 handshake for outgoing contacts: m = {ut_pex}, v, reqq; no p (nobody need dial back), no yourip. */
    static final ExtendedHandshake EXTENDED_HANDSHAKE = extendedHandshake(null);

    private OutgoingMessages() {
    }

    /** @param listenPort our listening port for incoming sessions (BEP 10 p), or null */
    static ExtendedHandshake extendedHandshake(Integer listenPort) {
        return ExtendedHandshake.forBtda(SessionWiring.EXTENSION_IDS, true, false, listenPort, REQUEST_QUEUE);
    }

    /**
     * BEP 10 handshake of a session carried by our uTP socket while holepunch is on: {@code m} also names
     * {@code ut_holepunch} (BEP 55 relays only talk to peers that advertise it) and {@code p} is the socket's UDP port,
     * the port a relay tells the peer it introduces us to (libtorrent passes on the session's remote endpoint, which
     * for a uTP session is that same port; others use {@code p}).
     */
    static ExtendedHandshake holepunchHandshake(int utpPort) {
        ExtendedHandshake base = extendedHandshake(utpPort);
        Map<String, Integer> m = new LinkedHashMap<>(base.extensions());
        m.put(HolepunchMessage.EXTENSION_NAME, SessionWiring.HOLEPUNCH_ID);
        return new ExtendedHandshake(m, base.clientVersion(), utpPort, base.requestQueue(), null, false, null);
    }

    static PeerMessage.HaveNone haveNone() {
        return PeerMessage.HaveNone.INSTANCE;
    }
}
