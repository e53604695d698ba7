package org.btda.evaluator;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The port at which this evaluator last reached each client, by (torrent, IP address, peer id): from successful
 * contacts (the port dialled) and from incoming peers that sent a BEP 10 {@code p}. An incoming peer that sends no
 * {@code p} is looked up here, so that a client btda already knows by its listen port stays that one peer instead of
 * becoming a second one keyed by its peer id. In memory only (the addresses never leave it), bounded, least recently
 * used first out; per evaluator process.
 */
final class ListenPorts {

    /** About 150 bytes an entry: 15 MB at most. */
    static final int MAX_ENTRIES = 100_000;

    private final int maxEntries;
    private final Map<String, Integer> ports;

    ListenPorts() {
        this(MAX_ENTRIES);
    }

    ListenPorts(int maxEntries) {
        this.maxEntries = maxEntries;
        this.ports = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > ListenPorts.this.maxEntries;
            }
        };
    }

    synchronized void remember(String infoHashHex, InetAddress address, byte[] peerId, int port) {
        if (peerId == null || port <= 0 || port > 65535) return;
        ports.put(key(infoHashHex, address, peerId), port);
    }

    /** The port this client was reached at, or null. */
    synchronized Integer lookup(String infoHashHex, InetAddress address, byte[] peerId) {
        return peerId == null ? null : ports.get(key(infoHashHex, address, peerId));
    }

    synchronized int size() {
        return ports.size();
    }

    private static String key(String infoHashHex, InetAddress address, byte[] peerId) {
        HexFormat hex = HexFormat.of();
        return infoHashHex + '|' + hex.formatHex(address.getAddress()) + '|' + hex.formatHex(peerId);
    }
}
