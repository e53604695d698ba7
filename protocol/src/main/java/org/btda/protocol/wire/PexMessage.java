package org.btda.protocol.wire;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeLimits;
import org.btda.protocol.compact.CompactEndpoints;

/**
 * BEP 11 ut_pex: IPv4 ({@code added}, {@code added.f}, {@code dropped}) and IPv6 ({@code added6}, {@code added6.f},
 * {@code dropped6}) {@link CompactEndpoints} merged into two lists. Lenient like real clients: a trailing partial entry is
 * ignored, missing flags read as 0; each list is capped at {@link PeerWireLimits#maxPexEntries()}.
 */
public record PexMessage(List<PexPeer> added, List<InetSocketAddress> dropped) implements PeerMessage {
    public PexMessage {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
    }

    /** One added endpoint with its BEP 11 flags byte. */
    public record PexPeer(InetSocketAddress endpoint, int flags) {
        public static final int PREFERS_ENCRYPTION = 0x01;
        public static final int SEED = 0x02;
        public static final int SUPPORTS_UTP = 0x04;
        public static final int SUPPORTS_HOLEPUNCH = 0x08;
        public static final int REACHABLE = 0x10;

        public boolean seed() {
            return (flags & SEED) != 0;
        }
    }

    static PexMessage parse(byte[] payload, BencodeLimits limits, int maxEntries) {
        Object decoded = Bencode.decode(payload, limits);
        if (!(decoded instanceof BDict dict)) {
            throw new IllegalArgumentException("ut_pex payload is not a dictionary");
        }
        List<PexPeer> added = new ArrayList<>();
        addPeers(added, bytes(dict, "added"), bytes(dict, "added.f"), CompactEndpoints.IPV4, maxEntries);
        addPeers(added, bytes(dict, "added6"), bytes(dict, "added6.f"), CompactEndpoints.IPV6, maxEntries);
        List<PexPeer> droppedPeers = new ArrayList<>();
        addPeers(droppedPeers, bytes(dict, "dropped"), null, CompactEndpoints.IPV4, maxEntries);
        addPeers(droppedPeers, bytes(dict, "dropped6"), null, CompactEndpoints.IPV6, maxEntries);
        List<InetSocketAddress> dropped = new ArrayList<>(droppedPeers.size());
        for (PexPeer p : droppedPeers) {
            dropped.add(p.endpoint());
        }
        return new PexMessage(Collections.unmodifiableList(added), dropped);
    }

    private static byte[] bytes(BDict dict, String key) {
        return dict.get(key) instanceof BString s ? s.bytes() : null;
    }

    /** Lenient: whole entries only (a trailing partial one is ignored), port 0 kept, the list capped at {@code maxEntries}. */
    private static void addPeers(List<PexPeer> out, byte[] compact, byte[] flags, int entrySize, int maxEntries) {
        if (compact == null) {
            return;
        }
        int entries = CompactEndpoints.wholeEntries(compact.length, entrySize, maxEntries - out.size());
        for (int index = 0; index < entries; index++) {
            int f = flags != null && index < flags.length ? flags[index] & 0xff : 0;
            out.add(new PexPeer(CompactEndpoints.read(compact, index * entrySize, entrySize), f));
        }
    }
}
