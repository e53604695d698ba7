package org.btda.evaluator.contact;

import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.PeerMessage;

/**
 * The only two messages btda sends after the handshake, as protocol messages for the wire encoder
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

    static PeerMessage.HaveNone haveNone() {
        return PeerMessage.HaveNone.INSTANCE;
    }
}
