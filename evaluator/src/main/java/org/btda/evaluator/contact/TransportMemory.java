package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import org.btda.events.Transport;
import org.btda.protocol.wire.PexMessage;

/**
 * What this evaluator learned about peers' transports: BEP 11 flag 0x04 (supports uTP) from PEX messages, and which
 * transport last completed a handshake. Bounded (least recently used entries go) and local to one evaluator
 * instance: a hint for the first attempt, never a reason to skip the other transport.
 */
public final class TransportMemory {

    /** BEP 11 ut_pex flag: the peer supports uTP. */
    public static final int PEX_SUPPORTS_UTP = PexMessage.PexPeer.SUPPORTS_UTP;

    private static final byte PEX_UTP = 1;
    private static final byte WORKED_TCP = 2;
    private static final byte WORKED_UTP = 4;

    private final Map<InetSocketAddress, Byte> hints;

    public TransportMemory(int capacity) {
        this.hints = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Byte> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void pexFlags(InetSocketAddress peer, int flags) {
        if ((flags & PEX_SUPPORTS_UTP) != 0) hints.merge(peer, PEX_UTP, (a, b) -> (byte) (a | b));
    }

    /** A handshake completed over {@code t}: remembered as the only transport known to work. */
    public synchronized void worked(InetSocketAddress peer, Transport t) {
        byte keep = (byte) (hints.getOrDefault(peer, (byte) 0) & PEX_UTP);
        hints.put(peer, (byte) (keep | (t == Transport.UTP ? WORKED_UTP : WORKED_TCP)));
    }

    /** The transport to try first in auto mode. */
    public synchronized Transport preferred(InetSocketAddress peer) {
        Byte h = hints.get(peer);
        if (h == null) return Transport.TCP;
        if ((h & WORKED_UTP) != 0) return Transport.UTP;
        if ((h & WORKED_TCP) != 0) return Transport.TCP;
        return (h & PEX_UTP) != 0 ? Transport.UTP : Transport.TCP;
    }

    public synchronized int size() {
        return hints.size();
    }
}
