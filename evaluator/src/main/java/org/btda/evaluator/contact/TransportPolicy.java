package org.btda.evaluator.contact;

import java.util.List;

import org.btda.events.FailureReason;
import org.btda.events.Transport;

/**
 * Which transports one contact tries, in order: a pure function of the mode, what the evaluator knows about the peer
 * and whether a uTP socket exists. In auto mode the second transport is tried only after a failure that says nothing
 * about the peer's BitTorrent side (no connection came up), so a peer that answered is never evaluated twice.
 */
public final class TransportPolicy {

    private TransportPolicy() {
    }

    public static List<Transport> order(TransportMode mode, Transport preferred, boolean utpAvailable) {
        return order(mode, preferred, utpAvailable, true, false);
    }

    /**
     * @param utpWorthTrying false when the peer's uTP failed to connect recently and never answered
     *                       ({@link TransportMemory#utpWorthTrying}): auto mode then dials TCP only; utp mode still
     *                       dials uTP, as configured
     */
    public static List<Transport> order(TransportMode mode, Transport preferred, boolean utpAvailable, boolean utpWorthTrying) {
        return order(mode, preferred, utpAvailable, utpWorthTrying, false);
    }

    /**
     * @param relayWanted the torrent has peers waiting for a BEP 55 introduction: in auto mode uTP goes first (where it
     *                    is worth trying), since only a session carried by our uTP socket can serve as a relay (see
     *                    {@link HolepunchTalk})
     */
    public static List<Transport> order(TransportMode mode, Transport preferred, boolean utpAvailable, boolean utpWorthTrying,
                                        boolean relayWanted) {
        if (!utpAvailable) return List.of(Transport.TCP);
        return switch (mode) {
            case TCP -> List.of(Transport.TCP);
            case UTP -> List.of(Transport.UTP);
            case AUTO -> !utpWorthTrying ? List.of(Transport.TCP)
                    : preferred == Transport.UTP || relayWanted ? List.of(Transport.UTP, Transport.TCP)
                    : List.of(Transport.TCP, Transport.UTP);
        };
    }

    /** A uTP attempt that tells the memory the peer does not answer over uTP: it never got a connection up. */
    public static boolean utpConnectFailed(ContactResult r) {
        return r.transport() == Transport.UTP && r.peerId() == null && r.failure() != null
                && switch (r.failure()) {
                    case REFUSED, CONNECT_TIMEOUT, UNREACHABLE -> true;
                    default -> false;
                };
    }

    /** A failure that says the peer's endpoint does not take our connections: a holepunch may still reach it. */
    public static boolean unreachable(FailureReason failure) {
        return failure == FailureReason.REFUSED || failure == FailureReason.CONNECT_TIMEOUT
                || failure == FailureReason.UNREACHABLE;
    }

    /**
     * True when the attempt never reached the peer's BitTorrent side: no connection came up, or the peer hung up (or
     * reset) before a single byte of its handshake, which is what libtorrent does with TCP switched off.
     */
    public static boolean retryOther(ContactResult r) {
        FailureReason failure = r.failure();
        if (failure == null) return false;
        return switch (failure) {
            case REFUSED, CONNECT_TIMEOUT, UNREACHABLE -> true;
            case RESET -> r.peerId() == null;
            case NO_HANDSHAKE -> r.peerId() == null && r.failureDetail() != null
                    && r.failureDetail().startsWith(SessionHandler.CLOSED_BEFORE_HANDSHAKE);
            default -> false;
        };
    }

    /**
     * The result to publish after a retry over the other transport: the second one, unless it failed to connect too
     * (then TCP's, whose failure says more: a refused port is not a silent host) or never left this machine (OVERLOADED:
     * a full uTP connection table, no file descriptor), which says nothing about the peer, so the first one stands.
     */
    public static ContactResult report(ContactResult first, ContactResult second) {
        if (second.failure() == FailureReason.OVERLOADED && second.peerId() == null) return first;
        if (!retryOther(second)) return second;
        return first.transport() == Transport.TCP ? first : second;
    }
}
