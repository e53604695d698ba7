package org.btda.harvester.magnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagnetFileWatcherTest {
    private static final String A = "magnet:?xt=urn:btih:" + "a".repeat(40) + "&dn=one";
    private static final String B = "magnet:?xt=urn:btih:" + "b".repeat(40);

    @Test
    void returnsEachInfoHashOnceAndReportsBadLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("magnets.txt");
        MagnetFileWatcher w = new MagnetFileWatcher(file);
        assertThat(w.scan().added()).isEmpty();

        Files.writeString(file, "# comment\n" + A + "\n\nnot a magnet\n");
        MagnetFileWatcher.Scan first = w.scan();
        assertThat(first.added()).extracting(m -> m.displayName()).containsExactly("one");
        assertThat(first.invalid()).extracting(MagnetFileWatcher.Invalid::line).containsExactly(4);

        Files.writeString(file, A + "\n" + B + "\n" + A.replace("dn=one", "dn=again") + "\n");
        MagnetFileWatcher.Scan second = w.scan();
        assertThat(second.added()).extracting(m -> m.infoHash().hex()).containsExactly("b".repeat(40));
        assertThat(second.invalid()).isEmpty();
    }
}
