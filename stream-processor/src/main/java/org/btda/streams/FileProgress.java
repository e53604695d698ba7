package org.btda.streams;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-file progress of one peer of a multi-file torrent, and the rule that turns it into file downloads: a file is
 * downloaded when the peer was seen below the completion threshold of that file and later at or above it. Like the
 * whole-torrent rule ({@link PeerHistory#confirm}), with b0 = the earliest sample below: crossing = the earliest
 * sample at/above after b0, last below = the latest sample below before the crossing.
 *
 * <p>What is kept per file is the time-ordered sequence of its samples folded into maximal runs of equal status
 * (below / at-or-above), each run as its first and last time. That is a canonical form of the SET of samples (adding a
 * sample extends a run, starts one at an end or splits one), so every arrival order gives the same state, and the
 * rule only reads the first three runs: below-above (first below run at 0), or above-below-above (at 1). Runs never
 * merge, so a run past the third can never become one of the first three: at most three runs (six times) are kept per
 * file. One approximation: a sample landing inside a run of the other status (the peer lost pieces of that file, e.g.
 * a deleted file or a failed re-check) splits the run without knowing the run's samples between its first time and the
 * new one; the left part then ends at its first time. Progress that never goes back is handled exactly.
 *
 * <p>Bounded: at most {@link #MAX_FILES} files are tracked (torrents with more files get no file downloads), six
 * longs per file. The processor calls {@link #add} with each successful observation's runs; the result lists what to
 * emit. Pure: no Kafka, tested by {@code FileProgressTest}.
 */
final class FileProgress {
    /** Files tracked per peer; above this the state would approach its size limit. */
    static final int MAX_FILES = 20_000;
    static final int MAX_RUNS = 3;
    /** The largest file count an observation may claim (the metainfo parser's bound). */
    static final int MAX_OBSERVED_FILES = 1_000_000;

    /** A file download to emit: new, or a correction of an earlier one (same key, next version). */
    record Crossing(int file, int filePieces, long crossedAt, long lastBelowAt, long version) {}

    /**
     * Per file: null = no sample yet; else {@code [flags, first0, last0, first1, last1, ...]} with flags = run count
     * {@code << 1} | (1 when the first run is at/above the threshold). Runs alternate in status.
     */
    final long[][] runs;
    long version;

    FileProgress(int files) {
        if (files < 1 || files > MAX_FILES) throw new IllegalArgumentException("file count " + files);
        this.runs = new long[files][];
    }

    int fileCount() {
        return runs.length;
    }

    /**
     * Number of files of an observation's runs ({@code FilePiecesCodec.decode}: (files, have, total) triples), or -1
     * when they are malformed (non-positive run, negative count, have above total).
     */
    static int fileCount(int[] runs) {
        long n = 0;
        for (int i = 0; i + 2 < runs.length; i += 3) {
            if (runs[i] < 1 || runs[i + 1] < 0 || runs[i + 2] < 0 || runs[i + 1] > runs[i + 2]) return -1;
            n += runs[i];
            if (n > MAX_OBSERVED_FILES) return -1;
        }
        return n == 0 || runs.length % 3 != 0 ? -1 : (int) n;
    }

    /**
     * Adds one observation's per-file counts (taken at {@code at}) and returns the file downloads that are new or
     * changed. Files with total 0 (padding, empty) are skipped. {@code atOrAbove} decides the threshold per file.
     */
    List<Crossing> add(long at, int[] observed, Threshold atOrAbove) {
        List<Crossing> out = new ArrayList<>(0);
        int file = 0;
        for (int i = 0; i + 2 < observed.length; i += 3) {
            int files = observed[i], have = observed[i + 1], total = observed[i + 2];
            boolean above = total > 0 && atOrAbove.test(have, total);
            for (int k = 0; k < files; k++, file++) {
                if (total == 0 || file >= runs.length) continue;
                long[] before = runs[file];
                long crossedBefore = crossedAt(before), lastBelowBefore = lastBelowAt(before);
                long[] after = insert(before, at, above);
                if (after == before) continue;
                runs[file] = after;
                long crossed = crossedAt(after);
                if (crossed != -1 && (crossed != crossedBefore || lastBelowAt(after) != lastBelowBefore)) {
                    out.add(new Crossing(file, total, crossed, lastBelowAt(after), ++version));
                }
            }
        }
        return out;
    }

    /** The crossing time of a file's runs, -1 when the file was not seen below and later at or above. */
    static long crossedAt(long[] f) {
        int below = firstBelowRun(f);
        return below < 0 || below + 1 >= runCount(f) ? -1 : f[1 + 2 * (below + 1)];
    }

    /** The last sample below before the crossing (meaningful only when {@link #crossedAt} is not -1). */
    static long lastBelowAt(long[] f) {
        int below = firstBelowRun(f);
        return below < 0 || below + 1 >= runCount(f) ? -1 : f[2 + 2 * below];
    }

    private static int firstBelowRun(long[] f) {
        if (f == null) return -1;
        int n = runCount(f);
        if (n == 0) return -1;
        return firstAbove(f) ? (n > 1 ? 1 : -1) : 0;
    }

    static int runCount(long[] f) {
        return f == null ? 0 : (int) (f[0] >>> 1);
    }

    static boolean firstAbove(long[] f) {
        return (f[0] & 1) != 0;
    }

    private static boolean aboveAt(long[] f, int run) {
        return firstAbove(f) ^ ((run & 1) != 0);
    }

    /** The runs with one more sample; the same array when nothing changed. Copy-on-write keeps {@code add} simple. */
    static long[] insert(long[] f, long at, boolean above) {
        if (f == null) return new long[] {2L | (above ? 1 : 0), at, at};
        int n = runCount(f);
        for (int k = 0; k < n; k++) {
            long first = f[1 + 2 * k], last = f[2 + 2 * k];
            if (at < first) {
                if (aboveAt(f, k) == above) {                       // before run k, nothing of the other status between
                    long[] g = f.clone();
                    g[1 + 2 * k] = at;
                    return g;
                }
                // between run k-1 (same status as the sample, else it would have been extended) and run k, or before all
                if (k > 0) {
                    long[] g = f.clone();
                    g[2 + 2 * (k - 1)] = at;
                    return g;
                }
                return withRun(f, 0, at, at, above);
            }
            if (at <= last) {
                if (aboveAt(f, k) == above || at == first || at == last) return f;
                if (k + 1 >= MAX_RUNS) return f;        // only the last kept run's end would move, which no rule reads
                // inside a run of the other status: split it into [first, first], the sample, [last, last]
                long[] g = withRun(f, k + 1, at, at, above);
                g = withRun(g, k + 2, last, last, !above);
                g[2 + 2 * k] = first;
                return g;
            }
        }
        if (aboveAt(f, n - 1) == above) {
            long[] g = f.clone();
            g[2 + 2 * (n - 1)] = at;
            return g;
        }
        return withRun(f, n, at, at, above);
    }

    /** Inserts run {@code index} and keeps the first {@link #MAX_RUNS}; the status of the first run follows. */
    private static long[] withRun(long[] f, int index, long first, long last, boolean above) {
        int n = runCount(f);
        if (index >= MAX_RUNS) return f;
        int kept = Math.min(n + 1, MAX_RUNS);
        long[] g = new long[1 + 2 * kept];
        boolean firstAboveNow = index == 0 ? above : firstAbove(f);
        g[0] = ((long) kept << 1) | (firstAboveNow ? 1 : 0);
        int src = 0;
        for (int dst = 0; dst < kept; dst++) {
            if (dst == index) {
                g[1 + 2 * dst] = first;
                g[2 + 2 * dst] = last;
            } else {
                g[1 + 2 * dst] = f[1 + 2 * src];
                g[2 + 2 * dst] = f[2 + 2 * src];
                src++;
            }
        }
        return g;
    }

    /** The per-file threshold test (the stream processor's {@code completion.threshold}). */
    @FunctionalInterface
    interface Threshold {
        boolean test(int have, int total);
    }
}
