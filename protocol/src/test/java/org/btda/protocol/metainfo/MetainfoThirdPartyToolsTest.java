package org.btda.protocol.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .torrent files are created at test time by mktorrent, transmission-create and libtorrent (python3-libtorrent); btda
 * must compute the same info hash, piece count and sizes as the tools that read them back (transmission-show,
 * libtorrent's torrent_info).
 */
class MetainfoThirdPartyToolsTest {
    private static final Pattern HASH = Pattern.compile("(?m)^\\s*Hash: ([0-9a-f]{40})\\s*$");
    private static final Pattern PIECE_COUNT = Pattern.compile("(?m)^\\s*Piece Count: (\\d+)\\s*$");
    private static final Pattern LT_JSON = Pattern.compile(
            "\\{\"v1\": (null|\"([0-9a-f]{40})\"), \"pieces\": (\\d+), \"total\": (\\d+), \"piece_length\": (\\d+), "
                    + "\"files\": (\\d+)}");

    @TempDir
    Path dir;
    Path single;
    Path multi;

    @BeforeEach
    void content() throws IOException {
        Random r = new Random(42);
        single = dir.resolve("single.bin");
        Files.write(single, bytes(r, 100_000));
        multi = dir.resolve("multi");
        Files.createDirectories(multi.resolve("sub"));
        Files.write(multi.resolve("a.bin"), bytes(r, 70_000));
        Files.write(multi.resolve("sub/b.txt"), bytes(r, 12_345));
        Files.write(multi.resolve("sub/ünïcødé.dat"), bytes(r, 5_000));
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private record Shown(String hash, int pieces) {
    }

    private Shown transmissionShow(Path torrent) throws Exception {
        String out = ExternalTool.run(dir, List.of("transmission-show", torrent.toString()));
        Matcher h = HASH.matcher(out);
        Matcher p = PIECE_COUNT.matcher(out);
        assertThat(h.find()).as("transmission-show output has Hash:\n%s", out).isTrue();
        assertThat(p.find()).as("transmission-show output has Piece Count:\n%s", out).isTrue();
        return new Shown(h.group(1), Integer.parseInt(p.group(1)));
    }

    @Test
    void mktorrentSingleFile() throws Exception {
        Path t = dir.resolve("mk-single.torrent");
        ExternalTool.run(dir, List.of("mktorrent", "-l", "15", "-a", "http://127.0.0.1:6969/announce",
                "-a", "http://127.0.0.2:6969/announce", "-o", t.toString(), single.toString()));
        Metainfo m = Metainfo.parse(t);
        Shown shown = transmissionShow(t);
        assertThat(m.infoHash().hex()).isEqualTo(shown.hash());
        assertThat(m.pieceCount()).isEqualTo(shown.pieces()).isEqualTo(4); // ceil(100000 / 32768)
        assertThat(m.pieceLength()).isEqualTo(32_768);
        assertThat(m.totalSize()).isEqualTo(100_000);
        assertThat(m.isMultiFile()).isFalse();
        assertThat(m.name()).isEqualTo("single.bin");
        assertThat(m.announceTiers()).containsExactly(List.of("http://127.0.0.1:6969/announce"),
                List.of("http://127.0.0.2:6969/announce"));
        assertThat(m.isPrivate()).isFalse();
    }

    @Test
    void mktorrentMultiFilePrivate() throws Exception {
        Path t = dir.resolve("mk-multi.torrent");
        ExternalTool.run(dir, List.of("mktorrent", "-p", "-l", "15", "-a", "http://127.0.0.1:6969/announce,"
                + "http://127.0.0.3:6969/announce", "-o", t.toString(), multi.toString()));
        Metainfo m = Metainfo.parse(Files.readAllBytes(t));
        Shown shown = transmissionShow(t);
        assertThat(m.infoHash().hex()).isEqualTo(shown.hash());
        assertThat(m.pieceCount()).isEqualTo(shown.pieces()).isEqualTo(3); // ceil(87345 / 32768)
        assertThat(m.totalSize()).isEqualTo(70_000 + 12_345 + 5_000);
        assertThat(m.isPrivate()).isTrue();
        assertThat(m.isMultiFile()).isTrue();
        assertThat(m.files()).extracting(FileEntry::path).containsExactlyInAnyOrder(
                List.of("a.bin"), List.of("sub", "b.txt"), List.of("sub", "ünïcødé.dat"));
        // mktorrent puts comma-separated trackers in one tier (BEP 12)
        assertThat(m.announceTiers()).containsExactly(List.of("http://127.0.0.1:6969/announce",
                "http://127.0.0.3:6969/announce"));
    }

    @Test
    void transmissionCreateSingleAndMulti() throws Exception {
        for (Path src : List.of(single, multi)) {
            Path t = dir.resolve("tr-" + src.getFileName() + ".torrent");
            ExternalTool.run(dir, List.of("transmission-create", "-o", t.toString(), "-s", "16",
                    "-t", "http://127.0.0.1:6969/announce", src.toString()));
            Metainfo m = Metainfo.parse(t);
            Shown shown = transmissionShow(t);
            assertThat(m.infoHash().hex()).isEqualTo(shown.hash());
            assertThat(m.pieceCount()).isEqualTo(shown.pieces());
            assertThat(m.pieceLength()).isEqualTo(16_384);
            long expectedSize = src == single ? 100_000 : 87_345;
            assertThat(m.totalSize()).isEqualTo(expectedSize);
            assertThat(m.pieceCount()).isEqualTo((int) ((expectedSize + 16_383) / 16_384));
            assertThat(m.createdBy()).startsWith("Transmission/");
        }
    }

    private record LtInfo(String v1, int pieces, long total, long pieceLength, int files) {
    }

    private LtInfo libtorrentMake(Path src, Path out, String mode, int pieceSize) throws Exception {
        Path script = dir.resolve("lt_make.py");
        try (InputStream in = getClass().getResourceAsStream("/tools/lt_make.py")) {
            Files.copy(in, script);
        } catch (java.nio.file.FileAlreadyExistsException ignored) {
            // second call in the same test
        }
        String json = ExternalTool.run(dir, List.of(ExternalTool.DEBIAN_PYTHON, script.toString(), src.toString(),
                out.toString(), mode, Integer.toString(pieceSize), "udp://127.0.0.1:6969/announce")).trim();
        Matcher m = LT_JSON.matcher(json);
        assertThat(m.find()).as("libtorrent output: %s", json).isTrue();
        return new LtInfo(m.group(2), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)), Integer.parseInt(m.group(6)));
    }

    @Test
    void libtorrentV1AndHybridGiveV1InfoHash() throws Exception {
        for (String mode : List.of("v1", "hybrid")) {
            for (Path src : List.of(single, multi)) {
                Path t = dir.resolve("lt-" + mode + "-" + src.getFileName() + ".torrent");
                LtInfo lt = libtorrentMake(src, t, mode, 16_384);
                Metainfo m = Metainfo.parse(t);
                assertThat(m.infoHash().hex()).as("%s %s", mode, src).isEqualTo(lt.v1());
                assertThat(m.pieceCount()).isEqualTo(lt.pieces());
                assertThat(m.totalSize()).as("total incl. BEP 47 padding").isEqualTo(lt.total());
                assertThat(m.pieceLength()).isEqualTo(lt.pieceLength());
                assertThat(m.files()).hasSize(lt.files());
                assertThat(m.isHybrid()).isEqualTo(mode.equals("hybrid"));
                assertThat(m.announceTiers()).containsExactly(List.of("udp://127.0.0.1:6969/announce"));
            }
        }
    }

    @Test
    void libtorrentHybridMultiFileHasPaddingFiles() throws Exception {
        Path t = dir.resolve("lt-hybrid-pad.torrent");
        LtInfo lt = libtorrentMake(multi, t, "hybrid", 16_384);
        Metainfo m = Metainfo.parse(t);
        assertThat(m.files()).anyMatch(FileEntry::padding);
        assertThat(m.files().stream().filter(f -> !f.padding()).mapToLong(FileEntry::length).sum()).isEqualTo(87_345);
        assertThat(m.totalSize()).isEqualTo(lt.total()).isGreaterThan(87_345);
    }

    @Test
    void libtorrentPureV2IsRejectedClearly() throws Exception {
        Path t = dir.resolve("lt-v2.torrent");
        LtInfo lt = libtorrentMake(multi, t, "v2", 16_384);
        assertThat(lt.v1()).isNull();
        assertThatThrownBy(() -> Metainfo.parse(t)).isInstanceOf(MetainfoException.class)
                .hasMessageContaining("pure BitTorrent v2");
    }

    @Test
    void fromInfoDictionaryMatchesFileHash() throws Exception {
        Path t = dir.resolve("mk.torrent");
        ExternalTool.run(dir, List.of("mktorrent", "-a", "http://127.0.0.1:6969/announce", "-o", t.toString(),
                multi.toString()));
        Metainfo full = Metainfo.parse(t);
        Metainfo fromInfo = Metainfo.fromInfoDictionary(full.rawInfo(), List.of(List.of("http://127.0.0.9/a")));
        assertThat(fromInfo.infoHash()).isEqualTo(full.infoHash());
        assertThat(fromInfo.pieceCount()).isEqualTo(full.pieceCount());
        assertThat(fromInfo.totalSize()).isEqualTo(full.totalSize());
        assertThat(fromInfo.announceTiers()).containsExactly(List.of("http://127.0.0.9/a"));
        assertThat(transmissionShow(t).hash()).isEqualTo(fromInfo.infoHash().hex());
    }
}
