package org.btda.common.kafka;

/** The Kafka key of every per-peer topic: {@code <info hash hex>:<peer key hex>}, so all of them are co-partitioned. */
public final class PeerRefs {
    private PeerRefs() {}

    public static String key(String infoHashHex, String peerKeyHex) {
        if (infoHashHex == null || infoHashHex.length() != 40 || peerKeyHex == null || peerKeyHex.isEmpty()
                || infoHashHex.indexOf(':') >= 0 || peerKeyHex.indexOf(':') >= 0) {
            throw new IllegalArgumentException("bad peer ref parts: " + infoHashHex + ", " + peerKeyHex);
        }
        return infoHashHex + ":" + peerKeyHex;
    }

    public static String infoHash(String key) {
        return key.substring(0, separator(key));
    }

    public static String peerKey(String key) {
        return key.substring(separator(key) + 1);
    }

    private static int separator(String key) {
        int i = key == null ? -1 : key.indexOf(':');
        if (i != 40 || i == key.length() - 1) {
            throw new IllegalArgumentException("not a peer ref '<info hash>:<peer key>': " + key);
        }
        return i;
    }
}
