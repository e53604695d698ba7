package org.btda.harvester.testing;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.metainfo.Metainfo;

/** Builds real .torrent bytes (a random single-file torrent, so every call has its own info hash). */
public final class TestTorrents {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestTorrents() {}

    public static byte[] torrent(String name, List<List<String>> tiers) {
        long length = 3 * 16384 + 100;
        byte[] pieces = new byte[20 * 4];
        RANDOM.nextBytes(pieces);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", length);
        info.put("name", name);
        info.put("piece length", 16384L);
        info.put("pieces", pieces);
        Map<String, Object> t = new LinkedHashMap<>();
        if (!tiers.isEmpty() && !tiers.get(0).isEmpty()) {
            t.put("announce", tiers.get(0).get(0));
        }
        if (!tiers.isEmpty()) {
            t.put("announce-list", tiers);
        }
        t.put("info", info);
        return Bencode.encode(t);
    }

    public static Metainfo metainfo(String name, List<List<String>> tiers) {
        return Metainfo.parse(torrent(name, tiers));
    }
}
