package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.btda.protocol.dht.NodeId;

/**
 * Peers other nodes announced to us (announce_peer), kept {@link #TTL_MILLIS} as BEP 5 suggests. Bounded in torrents
 * and peers per torrent so a flood of announces cannot grow memory.
 */
final class PeerStore {
    static final long TTL_MILLIS = 30 * 60 * 1000L;
    static final int MAX_TORRENTS = 10_000;
    static final int MAX_PEERS_PER_TORRENT = 500;
    /** At most this many values per get_peers answer keeps it in one unfragmented datagram. */
    static final int MAX_VALUES = 50;

    private final Map<NodeId, LinkedHashMap<InetSocketAddress, Long>> peers = new HashMap<>();
    private final Random random = new Random();

    synchronized boolean add(NodeId infoHash, InetSocketAddress peer, long now) {
        LinkedHashMap<InetSocketAddress, Long> m = peers.get(infoHash);
        if (m == null) {
            if (peers.size() >= MAX_TORRENTS) {
                return false;
            }
            m = new LinkedHashMap<>();
            peers.put(infoHash, m);
        }
        m.remove(peer);
        if (m.size() >= MAX_PEERS_PER_TORRENT) {
            Iterator<InetSocketAddress> oldest = m.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        m.put(peer, now + TTL_MILLIS);
        return true;
    }

    synchronized List<InetSocketAddress> get(NodeId infoHash, long now) {
        LinkedHashMap<InetSocketAddress, Long> m = peers.get(infoHash);
        if (m == null) {
            return List.of();
        }
        m.values().removeIf(expiry -> expiry <= now);
        List<InetSocketAddress> out = new ArrayList<>(m.keySet());
        if (out.size() > MAX_VALUES) {
            Collections.shuffle(out, random);
            out = out.subList(0, MAX_VALUES);
        }
        return out;
    }

    synchronized void expire(long now) {
        peers.values().forEach(m -> m.values().removeIf(expiry -> expiry <= now));
        peers.values().removeIf(Map::isEmpty);
    }

    synchronized int torrents() {
        return peers.size();
    }
}
