package org.btda.evaluator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.btda.events.codec.FilePiecesCodec;
import org.btda.protocol.pieces.FilePieces;

/**
 * The per-file piece counts of one observation in the compact form of {@code Observation.file_pieces} (v5): runs of
 * consecutive files with the same (held, total), as varints ({@link FilePiecesCodec}). Files of equal size that a peer
 * has completely, or not at all, collapse into one run: a season pack of equal episodes is a handful of runs whatever
 * the file count. Bounded by {@link FilePiecesCodec#MAX_RUNS} (at most 15 bytes a run, usually 3-5), so a torrent with
 * a million tiny files of mixed sizes cannot make an observation larger than Kafka accepts: it gets no per-file counts
 * instead.
 */
final class FileRuns {
    static final int MAX_RUNS = FilePiecesCodec.MAX_RUNS;

    private FileRuns() {}

    /** Runs over every file (padding and empty files as runs with total 0), or null above {@link #MAX_RUNS}. */
    static List<FilePiecesCodec.Run> runs(FilePieces layout, int[] held) {
        if (held.length != layout.fileCount()) throw new IllegalArgumentException("one count per file");
        List<FilePiecesCodec.Run> runs = new ArrayList<>();
        int i = 0;
        while (i < held.length) {
            int have = held[i], total = layout.piecesOf(i), j = i + 1;
            while (j < held.length && held[j] == have && layout.piecesOf(j) == total) j++;
            if (runs.size() == MAX_RUNS) return null;
            runs.add(new FilePiecesCodec.Run(j - i, have, total));
            i = j;
        }
        return runs;
    }

    /** The encoded runs, or null above {@link #MAX_RUNS}. */
    static ByteBuffer encode(FilePieces layout, int[] held) {
        List<FilePiecesCodec.Run> runs = runs(layout, held);
        return runs == null ? null : FilePiecesCodec.encode(runs);
    }
}
