package org.btda.protocol.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 50,000 seeded random and mutated .torrent files (BEP 3 single and multi file, BEP 12 announce-list). Only
 * {@link MetainfoException} escapes; what parses rebuilds from its raw info dictionary to the same torrent.
 */
class MetainfoFuzzTest {
    private static final int INPUTS = 50_000;

    private static byte[] torrent(Map<String, Object> info) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("announce", "http://t.example/announce");
        root.put("announce-list", List.of(List.of("http://t.example/announce"), List.of("udp://u.example:80")));
        root.put("info", info);
        return Bencode.encode(root);
    }

    @Test
    void onlyMetainfoExceptionEscapesAndWhatParsesRebuildsFromItsInfoDictionary() {
        Map<String, Object> single = new LinkedHashMap<>();
        single.put("length", 40000L);
        single.put("name", "a.bin");
        single.put("piece length", 16384L);
        single.put("pieces", new byte[60]);
        Map<String, Object> multi = new LinkedHashMap<>();
        multi.put("files", List.of(Map.of("length", 10L, "path", List.of("d", "x")), Map.of("length", 5L, "path", List.of("y"))));
        multi.put("name", "dir");
        multi.put("piece length", 16384L);
        multi.put("pieces", new byte[20]);
        int[] parsed = {0};
        Fuzz.run(0x3E7AL, INPUTS, List.of(torrent(single), torrent(multi)), 200, input -> {
            Metainfo m;
            try {
                m = Metainfo.parse(input);
            } catch (MetainfoException declared) {
                return;
            }
            parsed[0]++;
            Metainfo again = Metainfo.fromInfoDictionary(m.rawInfo(), m.announceTiers());
            assertThat(again.infoHash()).isEqualTo(m.infoHash());
            assertThat(again.name()).isEqualTo(m.name());
            assertThat(again.totalSize()).isEqualTo(m.totalSize());
            assertThat(again.files()).isEqualTo(m.files());
            assertThat(m.totalSize()).isNotNegative();
        });
        assertThat(parsed[0]).isGreaterThan(INPUTS / 20);
    }
}
