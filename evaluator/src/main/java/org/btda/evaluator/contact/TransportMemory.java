package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.btda.events.Transport;
import org.btda.protocol.wire.PexMessage;

/**
 * What this evaluator learned about peers' transports: BEP 11 flag 0x04 (supports uTP) from PEX messages, which
 * transport last completed a handshake, and when a uTP connect to a peer whose uTP never answered last failed. Bounded
 * (least recently used entries go) and local to one evaluator instance: a hint for the order of attempts.
 *
 * <p>The peer's own silence over uTP outranks a third party's flag: a peer that never answered over uTP and failed to
 * connect over it within {@link #UTP_FAILURE_MEMORY} is not tried over uTP first, nor after TCP, until that time has
 * passed. Without that, every contact of a TCP-only peer that drops btda's TCP connection (connection limit, a second
 * connection from one address) or refuses it waited out uTP's connect timeout again, holding a session slot. A peer
 * that ever answered over uTP keeps both attempts whatever happens later.
 */
public final class TransportMemory {

    /** BEP 11 ut_pex flag: the peer supports uTP. */
    public static final int PEX_SUPPORTS_UTP = PexMessage.PexPeer.SUPPORTS_UTP;

    /** How long a failed uTP connect (to a peer never reached over uTP) keeps uTP out of its contacts. */
    public static final Duration UTP_FAILURE_MEMORY = Duration.ofHours(1);

    private static final byte PEX_UTP = 1;
    private static final byte WORKED_TCP = 2;
    private static final byte WORKED_UTP = 4;
    private static final byte UTP_FAILED = 8;

    /** Touched only under the memory's lock. */
    private static final class Hint {
        byte flags;
        long utpFailedAtNanos;
    }

    private final Map<InetSocketAddress, Hint> hints;
    private final LongSupplier nanoClock;

    public TransportMemory(int capacity) {
        this(capacity, System::nanoTime);
    }

    TransportMemory(int capacity, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.hints = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Hint> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void pexFlags(InetSocketAddress peer, int flags) {
        if ((flags & PEX_SUPPORTS_UTP) != 0) hints.computeIfAbsent(peer, p -> new Hint()).flags |= PEX_UTP;
    }

    /**
     * A handshake completed over {@code t}: remembered as the only transport known to work. A TCP success leaves a uTP
     * failure standing (the peer speaks TCP; that says nothing about uTP), a uTP one ends it.
     */
    public synchronized void worked(InetSocketAddress peer, Transport t) {
        Hint h = hints.computeIfAbsent(peer, p -> new Hint());
        h.flags = t == Transport.UTP ? (byte) ((h.flags & PEX_UTP) | WORKED_UTP)
                : (byte) ((h.flags & (PEX_UTP | UTP_FAILED)) | WORKED_TCP);
    }

    /** A uTP connect to the peer failed (no STATE answered the SYN, or the network refused it). */
    public synchronized void utpFailedToConnect(InetSocketAddress peer) {
        Hint h = hints.computeIfAbsent(peer, p -> new Hint());
        if ((h.flags & WORKED_UTP) != 0) return;
        h.flags |= UTP_FAILED;
        h.utpFailedAtNanos = nanoClock.getAsLong();
    }

    /** The transport to try first in auto mode. */
    public synchronized Transport preferred(InetSocketAddress peer) {
        Hint h = hints.get(peer);
        if (h == null) return Transport.TCP;
        if ((h.flags & WORKED_UTP) != 0) return Transport.UTP;
        if ((h.flags & WORKED_TCP) != 0) return Transport.TCP;
        return (h.flags & PEX_UTP) != 0 && !utpFailedRecently(h) ? Transport.UTP : Transport.TCP;
    }

    /** False while a failed uTP connect says the peer does not speak uTP (see the class comment). */
    public synchronized boolean utpWorthTrying(InetSocketAddress peer) {
        Hint h = hints.get(peer);
        return h == null || !utpFailedRecently(h);
    }

    private boolean utpFailedRecently(Hint h) {
        if ((h.flags & UTP_FAILED) == 0) return false;
        if (nanoClock.getAsLong() - h.utpFailedAtNanos < UTP_FAILURE_MEMORY.toNanos()) return true;
        h.flags &= ~UTP_FAILED;
        return false;
    }

    public synchronized int size() {
        return hints.size();
    }
}
