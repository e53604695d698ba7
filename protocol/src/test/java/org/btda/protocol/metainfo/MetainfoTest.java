package org.btda.protocol.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.junit.jupiter.api.Test;

/** Edge cases the third-party tools do not produce; torrents are built in code here. */
class MetainfoTest {
    private static Map<String, Object> info(long length, int pieceLength, int pieces) {
        Map<String, Object> info = new HashMap<>();
        info.put("name", "file.bin");
        info.put("piece length", pieceLength);
        info.put("length", length);
        info.put("pieces", new byte[20 * pieces]);
        return info;
    }

    private static byte[] torrent(Map<String, Object> info, Map<String, Object> extra) {
        Map<String, Object> root = new HashMap<>(extra);
        root.put("info", info);
        return Bencode.encode(root);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void infoHashIsOverRawBytesEvenWhenNotCanonical() throws Exception {
        // keys out of order: a re-encoding would sort them and change the hash
        String rawInfo = "d4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces20:" + "A".repeat(20) + "e";
        byte[] t = latin1("d8:announce22:http://127.0.0.1:1/ann4:info" + rawInfo + "e");
        Metainfo m = Metainfo.parse(t);
        byte[] expected = MessageDigest.getInstance("SHA-1").digest(latin1(rawInfo));
        assertThat(m.infoHash().bytes()).isEqualTo(expected);
        assertThat(m.rawInfo()).isEqualTo(latin1(rawInfo));
        byte[] canonical = MessageDigest.getInstance("SHA-1").digest(Bencode.encode(Bencode.decode(latin1(rawInfo))));
        assertThat(m.infoHash().bytes()).isNotEqualTo(canonical);
        assertThat(m.announceTiers()).containsExactly(List.of("http://127.0.0.1:1/ann"));
    }

    @Test
    void announceListWinsOverAnnounceAndIsCleaned() {
        Map<String, Object> extra = Map.of("announce", "http://a/ann", "announce-list",
                List.of(List.of("http://b/ann", "", "http://c/ann"), List.of(), List.of("http://b/ann", "udp://d:1"),
                        List.of(42L)));
        Metainfo m = Metainfo.parse(torrent(info(5, 16384, 1), extra));
        assertThat(m.announceTiers()).containsExactly(List.of("http://b/ann", "http://c/ann"), List.of("udp://d:1"));
        assertThat(m.trackers()).containsExactly("http://b/ann", "http://c/ann", "udp://d:1");
        Metainfo none = Metainfo.parse(torrent(info(5, 16384, 1), Map.of()));
        assertThat(none.announceTiers()).isEmpty();
    }

    @Test
    void nameUtf8PreferredAndPrivateFlag() {
        Map<String, Object> info = info(40_000, 16384, 3);
        info.put("name", latin1("caf\u00e9")); // Latin-1 byte 0xE9: not UTF-8
        info.put("name.utf-8", "café ☕");
        info.put("private", 1);
        Metainfo m = Metainfo.parse(torrent(info, Map.of()));
        assertThat(m.name()).isEqualTo("café ☕");
        assertThat(m.isPrivate()).isTrue();
        assertThat(m.pieceSize(0)).isEqualTo(16384);
        assertThat(m.pieceSize(2)).isEqualTo(40_000 - 2 * 16384);
        info.remove("name.utf-8");
        info.put("private", 0);
        Metainfo lenient = Metainfo.parse(torrent(info, Map.of()));
        assertThat(lenient.name()).isEqualTo("caf\uFFFD");
        assertThat(lenient.isPrivate()).isFalse();
    }

    @Test
    void multiFileWithUtf8Paths() {
        Map<String, Object> info = info(0, 16384, 2);
        info.remove("length");
        info.put("files", List.of(
                Map.of("length", 10_000, "path", List.of("d", "a")),
                Map.of("length", 10_000, "path", List.of(latin1("\u00e9")), "path.utf-8", List.of("é")),
                Map.of("length", 6_384, "path", List.of(".pad", "6384"), "attr", "p")));
        Metainfo m = Metainfo.parse(torrent(info, Map.of()));
        assertThat(m.totalSize()).isEqualTo(26_384);
        assertThat(m.files()).containsExactly(new FileEntry(List.of("d", "a"), 10_000, false),
                new FileEntry(List.of("é"), 10_000, false), new FileEntry(List.of(".pad", "6384"), 6_384, true));
    }

    @Test
    void pieceCountMustMatchTotalSize() {
        assertThatThrownBy(() -> Metainfo.parse(torrent(info(40_000, 16384, 2), Map.of())))
                .isInstanceOf(MetainfoException.class).hasMessageContaining("'pieces' has 2 hashes")
                .hasMessageContaining("needs 3");
        assertThatThrownBy(() -> Metainfo.parse(torrent(info(40_000, 16384, 4), Map.of())))
                .hasMessageContaining("needs 3");
        Map<String, Object> odd = info(5, 16384, 1);
        odd.put("pieces", new byte[21]);
        assertThatThrownBy(() -> Metainfo.parse(torrent(odd, Map.of()))).hasMessageContaining("not a multiple of 20");
    }

    @Test
    void structuralErrorsAreMetainfoExceptions() {
        Map<String, Object> both = info(5, 16384, 1);
        both.put("files", List.of(Map.of("length", 5, "path", List.of("a"))));
        assertThatThrownBy(() -> Metainfo.parse(torrent(both, Map.of()))).hasMessageContaining("both 'length' and 'files'");
        Map<String, Object> neither = info(5, 16384, 1);
        neither.remove("length");
        assertThatThrownBy(() -> Metainfo.parse(torrent(neither, Map.of()))).hasMessageContaining("neither");
        Map<String, Object> noName = info(5, 16384, 1);
        noName.remove("name");
        assertThatThrownBy(() -> Metainfo.parse(torrent(noName, Map.of()))).hasMessageContaining("no 'name'");
        Map<String, Object> negative = info(-5, 16384, 1);
        assertThatThrownBy(() -> Metainfo.parse(torrent(negative, Map.of()))).hasMessageContaining("negative");
        Map<String, Object> zeroPl = info(5, 0, 1);
        assertThatThrownBy(() -> Metainfo.parse(torrent(zeroPl, Map.of()))).hasMessageContaining("'piece length' 0");
        Map<String, Object> wrongType = info(5, 16384, 1);
        wrongType.put("length", "five");
        assertThatThrownBy(() -> Metainfo.parse(torrent(wrongType, Map.of()))).isInstanceOf(MetainfoException.class)
                .hasMessageContaining("'length' is byte string, expected integer");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(List.of(1)))).hasMessageContaining("not a bencoded dictionary");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(Map.of("info", 1)))).hasMessageContaining("not a dictionary");
        assertThatThrownBy(() -> Metainfo.parse(latin1("d4:infod"))).isInstanceOf(MetainfoException.class)
                .hasMessageContaining("malformed torrent").hasMessageContaining("offset 8");
        Map<String, Object> empty = info(0, 16384, 0);
        assertThatThrownBy(() -> Metainfo.parse(torrent(empty, Map.of()))).hasMessageContaining("total size 0");
    }

    @Test
    void pureV2WithoutPiecesIsRejected() {
        Map<String, Object> v2 = new HashMap<>();
        v2.put("name", "x");
        v2.put("piece length", 16384);
        v2.put("meta version", 2);
        v2.put("file tree", Map.of("x", Map.of("", Map.of("length", 5, "pieces root", new byte[32]))));
        assertThatThrownBy(() -> Metainfo.parse(torrent(v2, Map.of()))).isInstanceOf(MetainfoException.class)
                .hasMessageContaining("pure BitTorrent v2");
        v2.remove("meta version");
        assertThatThrownBy(() -> Metainfo.parse(torrent(v2, Map.of()))).hasMessageContaining("no 'pieces'");
    }

    @Test
    void infoHashValueType() {
        InfoHash h = InfoHash.sha1(latin1("abc"));
        assertThat(h.hex()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(InfoHash.fromHex(h.hex().toUpperCase())).isEqualTo(h).hasSameHashCodeAs(h);
        assertThat(h.base32()).hasSize(32);
        assertThat(InfoHash.fromBase32(h.base32())).isEqualTo(h);
        assertThat(InfoHash.fromBase32(h.base32().toLowerCase())).isEqualTo(h);
        // RFC 4648 test vector: base32("foobar") = MZXW6YTBOI======; pad to 20 bytes
        byte[] foobar = new byte[20];
        System.arraycopy(latin1("foobar"), 0, foobar, 0, 6);
        assertThat(InfoHash.of(foobar).base32()).startsWith("MZXW6YTBOI");
        assertThat(h.toString()).isEqualTo(h.hex());
        assertThatThrownBy(() -> InfoHash.fromHex("zz" + h.hex().substring(2))).hasMessageContaining("non-hex");
        assertThatThrownBy(() -> InfoHash.fromHex("abc")).hasMessageContaining("40 characters");
        assertThatThrownBy(() -> InfoHash.fromBase32("1".repeat(32))).hasMessageContaining("invalid character '1'");
        assertThatThrownBy(() -> InfoHash.of(new byte[19])).hasMessageContaining("20 bytes");
    }
}
