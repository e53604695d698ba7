package org.btda.harvester.torrents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.btda.harvester.testing.TestTorrents;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder watcher against real files: add, duplicate, malformed, partially written, changed, removed. */
class TorrentFolderWatcherTest {
    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();

    private final TorrentListener listener = new TorrentListener() {
        @Override
        public void registered(Metainfo torrent, Path file) {
            events.add("+" + torrent.name() + "@" + file.getFileName());
        }

        @Override
        public void unregistered(Metainfo torrent, Path file) {
            events.add("-" + torrent.name() + "@" + file.getFileName());
        }

        @Override
        public void malformed(Path file, String reason) {
            events.add("!" + file.getFileName() + ": " + reason);
        }
    };

    private static final List<List<String>> TIERS = List.of(List.of("http://127.0.0.1:1/announce"));

    @Test
    void addDuplicateMalformedAndRemove() throws Exception {
        TorrentFolderWatcher w = new TorrentFolderWatcher(dir, listener);
        byte[] a = TestTorrents.torrent("alpha", TIERS);
        Files.write(dir.resolve("a.torrent"), a);
        Files.write(dir.resolve("ignored.txt"), a);
        w.scan();
        assertThat(events).containsExactly("+alpha@a.torrent");

        // The same torrent under another name is not registered again; a new one is picked up without restart.
        Files.write(dir.resolve("a-copy.torrent"), a);
        Files.write(dir.resolve("b.torrent"), TestTorrents.torrent("beta", TIERS));
        Files.write(dir.resolve("bad.torrent"), "d8:announce3:urle".getBytes());
        w.scan();
        assertThat(events).containsExactly("+alpha@a.torrent", "+beta@b.torrent");
        assertThat(w.monitored()).hasSize(2);

        // The malformed file is reported once it stayed unchanged for a scan, once, naming file and reason.
        w.scan();
        w.scan();
        assertThat(events).hasSize(3);
        assertThat(events.get(2)).startsWith("!bad.torrent: ").contains("info");
        assertThat(w.malformedCount()).isEqualTo(1);

        // Removing one of two files holding alpha keeps it monitored; removing the last stops it.
        Files.delete(dir.resolve("a.torrent"));
        w.scan();
        assertThat(events).hasSize(3);
        Files.delete(dir.resolve("a-copy.torrent"));
        Files.delete(dir.resolve("b.torrent"));
        w.scan();
        assertThat(events.subList(3, 5)).containsExactlyInAnyOrder("-alpha@a-copy.torrent", "-beta@b.torrent");
        assertThat(w.monitored()).isEmpty();
    }

    @Test
    void partiallyWrittenFileIsRetriedNotReported() throws Exception {
        TorrentFolderWatcher w = new TorrentFolderWatcher(dir, listener);
        byte[] full = TestTorrents.torrent("gamma", TIERS);
        Path f = dir.resolve("g.torrent");
        Files.write(f, Arrays.copyOf(full, full.length / 3));
        w.scan();
        Files.write(f, Arrays.copyOf(full, 2 * full.length / 3));
        w.scan();
        assertThat(events).isEmpty();
        assertThat(w.malformedCount()).isZero();
        Files.write(f, full);
        w.scan();
        assertThat(events).containsExactly("+gamma@g.torrent");
        assertThat(w.malformedCount()).isZero();
    }

    @Test
    void fileReplacedWithAnotherTorrentSwitchesMonitoring() throws Exception {
        TorrentFolderWatcher w = new TorrentFolderWatcher(dir, listener);
        Path f = dir.resolve("x.torrent");
        Files.write(f, TestTorrents.torrent("one", TIERS));
        w.scan();
        Files.write(f, TestTorrents.torrent("two-longer-name", TIERS));
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        w.scan();
        assertThat(events).containsExactly("+one@x.torrent", "-one@x.torrent", "+two-longer-name@x.torrent");
    }

    @Test
    void missingFolderIsNotAnErrorAndLaterFilesArePickedUp() throws Exception {
        Path sub = dir.resolve("later");
        TorrentFolderWatcher w = new TorrentFolderWatcher(sub, listener);
        w.scan();
        assertThat(events).isEmpty();
        Files.createDirectories(sub);
        Files.write(sub.resolve("d.torrent"), TestTorrents.torrent("delta", TIERS));
        w.scan();
        assertThat(events).containsExactly("+delta@d.torrent");
    }
}
