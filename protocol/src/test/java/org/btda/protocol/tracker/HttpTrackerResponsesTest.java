package org.btda.protocol.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.Test;

/** Parsing of the response shapes of BEP 3 (dictionary model), 7 (peers6), 23 (compact) and the optional fields. */
class HttpTrackerResponsesTest {
    private static byte[] enc(Map<String, Object> m) {
        return Bencode.encode(m);
    }

    @Test
    void compactIpv4AndIpv6PeersWarningTrackerIdAndIntervals() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interval", 1800L);
        m.put("min interval", 60L);
        m.put("complete", 3L);
        m.put("incomplete", 4L);
        m.put("peers", new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1, (byte) 192, (byte) 168, 1, 2, 0, 80});
        byte[] v6 = new byte[18];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = (byte) 0xb8;
        v6[15] = 1;
        v6[16] = 0x1a;
        v6[17] = (byte) 0xe1;
        m.put("peers6", v6);
        m.put("warning message", "be nice");
        m.put("tracker id", "T-42");
        AnnounceResponse r = HttpTrackerResponses.parseAnnounce(enc(m));
        assertThat(r.interval()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(r.minInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.seeders()).isEqualTo(3);
        assertThat(r.leechers()).isEqualTo(4);
        assertThat(r.warning()).isEqualTo("be nice");
        assertThat(r.trackerId()).isEqualTo("T-42");
        assertThat(r.peers()).containsExactly(
                new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 6881),
                new InetSocketAddress(InetAddress.getByName("192.168.1.2"), 80),
                new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 6881));
    }

    @Test
    void dictionaryModelPeersNeverResolveNames() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interval", 900L);
        m.put("peers", List.of(
                Map.of("ip", "10.1.2.3", "port", 51413L, "peer id", "-TR3000-aaaaaaaaaaaa"),
                Map.of("ip", "2001:db8::2", "port", 6881L),
                Map.of("ip", "peer.example.invalid", "port", 6881L),
                Map.of("ip", "10.1.2.4", "port", 0L)));
        AnnounceResponse r = HttpTrackerResponses.parseAnnounce(enc(m));
        assertThat(r.peers()).containsExactly(
                new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 51413),
                new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 6881));
    }

    @Test
    void truncatedCompactListAndMissingIntervalAreErrors() {
        assertThatThrownBy(() -> HttpTrackerResponses.parseAnnounce(enc(Map.of("interval", 10L, "peers", new byte[7]))))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("not a multiple of 6");
        assertThatThrownBy(() -> HttpTrackerResponses.parseAnnounce(enc(Map.of("peers", new byte[6]))))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> HttpTrackerResponses.parseAnnounce(enc(Map.of("interval", "soon"))))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("malformed");
    }

    @Test
    void scrapeEntryAndUnknownTorrent() {
        InfoHash ih = InfoHash.fromHex("00112233445566778899aabbccddeeff00112233");
        Map<String, Object> entry = Map.of("complete", 5L, "incomplete", 7L, "downloaded", 11L);
        Map<String, Object> files = new LinkedHashMap<>();
        files.put(new String(ih.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1), entry);
        // Bencode.encode would UTF-8 encode that String; build the dictionary with raw bytes instead.
        byte[] body = ("d5:filesd20:" + "X".repeat(20) + "d8:completei5e10:downloadedi11e10:incompletei7eeee").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(ih.bytes(), 0, body, 12, 20);
        ScrapeResponse s = HttpTrackerResponses.parseScrape(body, ih);
        assertThat(s).isEqualTo(new ScrapeResponse(5, 7, 11));
        assertThat(HttpTrackerResponses.parseScrape("d5:filesdee".getBytes(java.nio.charset.StandardCharsets.US_ASCII), ih))
                .isEqualTo(new ScrapeResponse(0, 0, 0));
    }
}
