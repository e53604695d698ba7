package org.btda.protocol.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated HTTP tracker answers (announce and scrape). Only {@link TrackerResponseException}
 * escapes; what parses is sane (positive interval, no negative count, no more peers than the body can hold).
 */
class HttpTrackerResponsesFuzzTest {
    private static final int INPUTS = 100_000;
    private static final InfoHash IH = InfoHash.fromHex("00112233445566778899aabbccddeeff00112233");

    private static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        Map<String, Object> compact = new LinkedHashMap<>();
        compact.put("complete", 3L);
        compact.put("incomplete", 4L);
        compact.put("interval", 1800L);
        compact.put("min interval", 60L);
        compact.put("peers", new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1, (byte) 192, (byte) 168, 1, 2, 0, 80});
        compact.put("peers6", new byte[18]);
        compact.put("tracker id", "T-42");
        out.add(Bencode.encode(compact));
        out.add(Bencode.encode(Map.of("interval", 900L, "peers", List.of(
                Map.of("ip", "10.1.2.3", "port", 51413L, "peer id", "-TR3000-aaaaaaaaaaaa"),
                Map.of("ip", "2001:db8::2", "port", 6881L)))));
        out.add(Bencode.encode(Map.of("failure reason", "unregistered torrent")));
        byte[] scrape = ("d5:filesd20:" + "X".repeat(20) + "d8:completei5e10:downloadedi11e10:incompletei7eeee")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(IH.bytes(), 0, scrape, 12, 20);
        out.add(scrape);
        return out;
    }

    @Test
    void onlyTrackerResponseExceptionEscapesAndParsedAnswersAreSane() {
        int[] parsed = {0};
        Fuzz.run(0x7EAC3L, INPUTS, seeds(), 200, input -> {
            try {
                AnnounceResponse a = HttpTrackerResponses.parseAnnounce(input);
                parsed[0]++;
                assertThat(a.interval().getSeconds()).isPositive();
                assertThat(a.peers().size()).isLessThanOrEqualTo(input.length / 6 + input.length / 10);
                assertThat(a.seeders() == null || a.seeders() >= 0).isTrue();
                assertThat(a.leechers() == null || a.leechers() >= 0).isTrue();
                a.peers().forEach(p -> assertThat(p.getPort()).isBetween(1, 65535));
            } catch (TrackerResponseException rejected) {
                // declared
            }
            try {
                ScrapeResponse s = HttpTrackerResponses.parseScrape(input, IH);
                parsed[0]++;
                assertThat(s.seeders() == null || s.seeders() >= 0).isTrue();
                assertThat(s.completed() == null || s.completed() >= 0).isTrue();
            } catch (TrackerResponseException rejected) {
                // declared
            }
        });
        assertThat(parsed[0]).isGreaterThan(INPUTS / 10);
    }
}
