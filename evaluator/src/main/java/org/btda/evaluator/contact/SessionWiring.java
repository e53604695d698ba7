package org.btda.evaluator.contact;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.function.Function;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.protocol.mse.MseCounters;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseHandshake;
import org.btda.protocol.mse.MseHandshakeHandler;
import org.btda.protocol.mse.MseLimits;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.ExtensionIds;
import org.btda.protocol.wire.PeerWireLimits;
import org.btda.protocol.wire.WireCounters;

/** What every session of one engine shares: our identity, limits and codec counters. Immutable. */
record SessionWiring(byte[] peerId, long quietMillis, long sessionCapMillis, int maxMessages, PeerWireLimits limits,
                     WireCounters counters, ExtendedHandshake extendedHandshake, MseCounters mseCounters,
                     SecureRandom random, long followIntervalMillis, long followCapMillis, long pieceGraceMillis,
                     Holepunch holepunch, ExtendedHandshake utpExtendedHandshake, long holepunchFollowIntervalMillis,
                     long holepunchFollowCapMillis) {

    /** We assign ut_pex only: btda neither serves nor fetches metadata here. */
    static final ExtensionIds EXTENSION_IDS = new ExtensionIds(1, 0);
    /**
     * Our BEP 10 id for ut_holepunch (the one libtorrent uses too), outside {@link #EXTENSION_IDS}: the decoder hands
     * its messages up undecoded and {@link HolepunchTalk} reads them.
     */
    static final int HOLEPUNCH_ID = 4;

    static SessionWiring of(EvaluatorConfig cfg, byte[] peerId, WireCounters counters) {
        return new SessionWiring(peerId, cfg.quietTimeout().toMillis(), cfg.sessionCap().toMillis(), cfg.maxMessages(),
                PeerWireLimits.DEFAULT.withMaxFrameLength(cfg.maxFrameBytes()), counters, OutgoingMessages.EXTENDED_HANDSHAKE,
                new MseCounters(cfg.mseMaxHandshakes()), new SecureRandom(), 0, 0, cfg.pieceGrace().toMillis(), null,
                OutgoingMessages.EXTENDED_HANDSHAKE, 0, 0);
    }

    /**
     * BEP 55 on for the sessions carried by our uTP socket (bound to {@code utpPort}): they advertise ut_holepunch and
     * talk to relays through {@code holepunch}. A session that came about through a relay is followed on its own
     * connection like an incoming peer without {@code p} (every {@code followIntervalMillis}, at most
     * {@code followCapMillis}): the peer cannot be dialled, and each revisit would need another introduction.
     */
    SessionWiring withHolepunch(Holepunch holepunch, int utpPort, long followIntervalMillis, long followCapMillis) {
        return new SessionWiring(peerId, quietMillis, sessionCapMillis, maxMessages, limits, counters, extendedHandshake,
                mseCounters, random, this.followIntervalMillis, this.followCapMillis, pieceGraceMillis, holepunch,
                OutgoingMessages.holepunchHandshake(utpPort), followIntervalMillis, followCapMillis);
    }

    /** The extended handshake of a session carried by {@code transport}. */
    ExtendedHandshake extendedHandshake(org.btda.events.Transport transport) {
        return transport == org.btda.events.Transport.UTP && holepunch != null ? utpExtendedHandshake : extendedHandshake;
    }

    /**
     * The same limits for accepted connections, announcing our listening port (BEP 10 p); a peer that sends no
     * {@code p} of its own is followed on its connection (snapshots every {@code followIntervalMillis}, at most
     * {@code followCapMillis}; 0 = not followed).
     */
    SessionWiring forIncoming(Integer listenPort, long followIntervalMillis, long followCapMillis) {
        return new SessionWiring(peerId, quietMillis, sessionCapMillis, maxMessages, limits, counters,
                OutgoingMessages.extendedHandshake(listenPort), mseCounters, random, followIntervalMillis, followCapMillis,
                pieceGraceMillis, holepunch, utpExtendedHandshake, holepunchFollowIntervalMillis, holepunchFollowCapMillis);
    }

    boolean follows() {
        return followCapMillis > 0 && followIntervalMillis > 0;
    }

    /** The follow rules of a session: a holepunched one's, else an incoming one's. */
    long followInterval(boolean holepunched) {
        return holepunched ? holepunchFollowIntervalMillis : followIntervalMillis;
    }

    long followCap(boolean holepunched) {
        return holepunched ? holepunchFollowCapMillis : followCapMillis;
    }

    boolean follows(boolean holepunched) {
        return followCap(holepunched) > 0 && followInterval(holepunched) > 0;
    }

    /** Side A of an MSE handshake for {@code infoHash}: RC4 only, so an encrypted contact is really encrypted. */
    MseHandshakeHandler mseInitiator(byte[] infoHash) {
        return new MseHandshakeHandler(MseHandshake.initiator(infoHash, EnumSet.of(MseEncryption.RC4), MseLimits.DEFAULT,
                random), mseCounters);
    }

    /** Side B: accepts RC4 or plaintext, whichever the peer offers (RC4 preferred), for a monitored torrent. */
    MseHandshakeHandler mseResponder(Function<byte[], byte[]> torrentByReq2) {
        return new MseHandshakeHandler(MseHandshake.responder(torrentByReq2, EnumSet.allOf(MseEncryption.class),
                MseLimits.DEFAULT, random), mseCounters);
    }

    String describeLimits() {
        return quietMillis + " ms quiet / " + sessionCapMillis + " ms cap";
    }
}
