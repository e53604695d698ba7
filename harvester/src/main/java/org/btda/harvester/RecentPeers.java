package org.btda.harvester;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which peers this harvester saw recently, per torrent, to count "new" peers within the revisit window. Bounded:
 * at most {@code maxPerTorrent} entries per torrent, the least recently seen evicted first. Not thread-safe.
 */
public final class RecentPeers {
    private final long windowMillis;
    private final int maxPerTorrent;
    private final Map<String, LinkedHashMap<InetSocketAddress, Long>> byTorrent = new HashMap<>();

    public RecentPeers(long windowMillis, int maxPerTorrent) {
        this.windowMillis = windowMillis;
        this.maxPerTorrent = maxPerTorrent;
    }

    /** Records a sighting; true when the peer was not seen for this torrent within the window. */
    public boolean observe(String infoHash, InetSocketAddress peer, long nowMillis) {
        LinkedHashMap<InetSocketAddress, Long> m = byTorrent.computeIfAbsent(infoHash, k -> new LinkedHashMap<>());
        Long last = m.remove(peer);
        m.put(peer, nowMillis); // re-inserted: the map stays ordered by last sighting
        Iterator<Map.Entry<InetSocketAddress, Long>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<InetSocketAddress, Long> e = it.next();
            if (m.size() > maxPerTorrent || nowMillis - e.getValue() > windowMillis) {
                it.remove();
            } else {
                break;
            }
        }
        return last == null || nowMillis - last > windowMillis;
    }

    public void forget(String infoHash) {
        byTorrent.remove(infoHash);
    }

    public int size(String infoHash) {
        LinkedHashMap<InetSocketAddress, Long> m = byTorrent.get(infoHash);
        return m == null ? 0 : m.size();
    }
}
