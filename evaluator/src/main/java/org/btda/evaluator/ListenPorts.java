package org.btda.evaluator;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The port at which this evaluator last reached each client, by (torrent, IP address, peer id): from successful
 * contacts (the port dialled) and from incoming peers that sent a BEP 10 {@code p}. An incoming peer that sends no
 * {@code p} is looked up here, so that a client btda already knows by its listen port stays that one peer instead of
 * becoming a second one keyed by its peer id. In memory only (the addresses never leave it), bounded, least recently
 * used first out; per evaluator process.
 *
 * <p>The peer id alone does not find every such client: libtorrent 2.x draws a fresh random peer id (after its fixed
 * client prefix, e.g. {@code -LT2080-}) for every connection, and sends {@code p} only on connections it makes and
 * only when its voted external address is the connection's local one (never on a new or NAT'd IPv4 host, nor on IPv6
 * before peers confirmed its address). So an incoming peer whose peer id was never seen is also matched by (torrent,
 * address, client prefix) when btda reached exactly one port at that address for that torrent: two ports there (two
 * clients behind one NAT) are ambiguous and match nothing but their exact peer ids.
 */
final class ListenPorts {

    /** About 150 bytes an entry: 15 MB at most (per map). */
    static final int MAX_ENTRIES = 100_000;
    /** Azureus-style ids ({@code -XXnnnn-}) keep the client in these bytes; the rest may be random per connection. */
    static final int CLIENT_PREFIX = 8;

    /** The one port reached at an address with this client prefix, or {@link #ambiguous}. */
    private record AddressPort(int port, byte[] prefix, boolean ambiguous) {
    }

    private final Map<String, Integer> ports;
    private final Map<String, AddressPort> byAddress;

    ListenPorts() {
        this(MAX_ENTRIES);
    }

    ListenPorts(int maxEntries) {
        this.ports = lru(maxEntries);
        this.byAddress = lru(maxEntries);
    }

    private static <V> Map<String, V> lru(int maxEntries) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    synchronized void remember(String infoHashHex, InetAddress address, byte[] peerId, int port) {
        if (peerId == null || port <= 0 || port > 65535) return;
        ports.put(key(infoHashHex, address, peerId), port);
        String a = addressKey(infoHashHex, address);
        AddressPort known = byAddress.get(a);
        byte[] prefix = prefix(peerId);
        if (known == null || (!known.ambiguous() && known.port() == port)) {
            byAddress.put(a, new AddressPort(port, prefix, false));
        } else if (!known.ambiguous()) {
            byAddress.put(a, new AddressPort(0, null, true));
        }
    }

    /**
     * The port this client was reached at: by its exact peer id, else the single port reached at its address whose
     * client had the same peer id prefix; null when neither is known.
     */
    synchronized Integer lookup(String infoHashHex, InetAddress address, byte[] peerId) {
        if (peerId == null) return null;
        Integer exact = ports.get(key(infoHashHex, address, peerId));
        if (exact != null) return exact;
        AddressPort a = byAddress.get(addressKey(infoHashHex, address));
        return a != null && !a.ambiguous() && Arrays.equals(a.prefix(), prefix(peerId)) ? a.port() : null;
    }

    synchronized int size() {
        return ports.size();
    }

    private static byte[] prefix(byte[] peerId) {
        return Arrays.copyOf(peerId, Math.min(CLIENT_PREFIX, peerId.length));
    }

    private static String addressKey(String infoHashHex, InetAddress address) {
        return infoHashHex + '|' + HexFormat.of().formatHex(address.getAddress());
    }

    private static String key(String infoHashHex, InetAddress address, byte[] peerId) {
        HexFormat hex = HexFormat.of();
        return infoHashHex + '|' + hex.formatHex(address.getAddress()) + '|' + hex.formatHex(peerId);
    }
}
