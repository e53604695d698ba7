package org.btda.evaluator.contact;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.ExtensionIds;
import org.btda.protocol.wire.PeerWireLimits;
import org.btda.protocol.wire.WireCounters;

/** What every session of one engine shares: our identity, limits and codec counters. Immutable. */
record SessionWiring(byte[] peerId, long quietMillis, long sessionCapMillis, int maxMessages, PeerWireLimits limits,
                     WireCounters counters, ExtendedHandshake extendedHandshake, long pieceGraceMillis) {

    /** We assign ut_pex only: btda neither serves nor fetches metadata here. */
    static final ExtensionIds EXTENSION_IDS = new ExtensionIds(1, 0);

    static SessionWiring of(EvaluatorConfig cfg, byte[] peerId, WireCounters counters) {
        return new SessionWiring(peerId, cfg.quietTimeout().toMillis(), cfg.sessionCap().toMillis(), cfg.maxMessages(),
                PeerWireLimits.DEFAULT.withMaxFrameLength(cfg.maxFrameBytes()), counters, OutgoingMessages.EXTENDED_HANDSHAKE,
                cfg.pieceGrace().toMillis());
    }

    /** The same limits for accepted connections, announcing our listening port (BEP 10 p). */
    SessionWiring forIncoming(int listenPort) {
        return new SessionWiring(peerId, quietMillis, sessionCapMillis, maxMessages, limits, counters,
                OutgoingMessages.extendedHandshake(listenPort), pieceGraceMillis);
    }

    String describeLimits() {
        return quietMillis + " ms quiet / " + sessionCapMillis + " ms cap";
    }
}
