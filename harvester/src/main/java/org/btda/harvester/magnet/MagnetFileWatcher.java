package org.btda.harvester.magnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.btda.protocol.magnet.MagnetException;
import org.btda.protocol.magnet.MagnetUri;
import org.btda.protocol.metainfo.InfoHash;

/**
 * The {@code magnets.file} setting: one magnet link a line, {@code #} comments and blank lines ignored. {@link #scan()}
 * returns only magnets whose info hash it has not returned before, so the harvester can call it every
 * torrents.scan-interval and resolve each new one once. No thread of its own.
 */
public final class MagnetFileWatcher {
    /** Lines beyond this are ignored: the file is operator input, but still bounded. */
    static final int MAX_LINES = 100_000;

    /** A line that is not a usable magnet. */
    public record Invalid(int line, String reason) {
    }

    /** New magnets and the invalid lines of this scan. */
    public record Scan(List<MagnetUri> added, List<Invalid> invalid) {
    }

    private final Path file;
    private final Set<InfoHash> seen = new HashSet<>();

    public MagnetFileWatcher(Path file) {
        this.file = file;
    }

    /** Reads the file; a missing file is an empty scan (it may be created later). */
    public synchronized Scan scan() throws IOException {
        List<MagnetUri> added = new ArrayList<>();
        List<Invalid> invalid = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return new Scan(added, invalid);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size() && i < MAX_LINES; i++) {
            String l = lines.get(i).trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                MagnetUri m = MagnetUri.parse(l);
                if (seen.add(m.infoHash())) {
                    added.add(m);
                }
            } catch (MagnetException e) {
                invalid.add(new Invalid(i + 1, e.getMessage()));
            }
        }
        return new Scan(added, invalid);
    }
}
