package org.btda.events.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of {@code Observation.file_pieces} (v5): pieces held per file of a multi-file torrent, run-length
 * encoded over the metainfo's file list as unsigned LEB128 varint triples (files, have, total): {@code files}
 * consecutive files that each hold {@code have} of their {@code total} pieces (total 0 = a BEP 47 padding or empty
 * file). Bytes rather than an Avro array of records: a 1,000-file torrent has up to 1,000 runs, and decoding them as
 * records costs about a microsecond each on every hop; this form is a few bytes a run and decodes in one pass.
 *
 * <p>Decoding is bounded and strict: at most {@link #MAX_RUNS} runs and {@link #MAX_FILES} files, {@code files >= 1},
 * {@code have <= total}, no truncated or over-long varint, no trailing byte; anything else is an
 * {@link IllegalArgumentException}.
 */
public final class FilePiecesCodec {
    public static final int MAX_RUNS = 65_536;
    /** The metainfo parser's bound on a torrent's files. */
    public static final int MAX_FILES = 1_000_000;

    private FilePiecesCodec() {}

    /** One run: {@code files} consecutive files each holding {@code have} of its {@code total} pieces. */
    public record Run(int files, int have, int total) {
        public Run {
            if (files < 1 || have < 0 || total < 0 || have > total) {
                throw new IllegalArgumentException("bad file run " + files + " x " + have + "/" + total);
            }
        }
    }

    public static ByteBuffer encode(List<Run> runs) {
        if (runs.size() > MAX_RUNS) throw new IllegalArgumentException(runs.size() + " runs, at most " + MAX_RUNS);
        byte[] out = new byte[runs.size() * 15];
        int p = 0;
        for (Run r : runs) {
            p = varint(out, p, r.files());
            p = varint(out, p, r.have());
            p = varint(out, p, r.total());
        }
        return ByteBuffer.wrap(out, 0, p).slice();
    }

    /** The runs as a flat array of (files, have, total) triples, for readers that walk them without objects. */
    public static int[] decode(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        int[] out = new int[Math.min(3 * MAX_RUNS, 3 * ((b.remaining() + 2) / 3))];
        int n = 0;
        long files = 0;
        while (b.hasRemaining()) {
            if (n == 3 * MAX_RUNS) throw new IllegalArgumentException("more than " + MAX_RUNS + " file runs");
            int f = varint(b), have = varint(b), total = varint(b);
            if (f < 1 || have > total) throw new IllegalArgumentException("bad file run " + f + " x " + have + "/" + total);
            files += f;
            if (files > MAX_FILES) throw new IllegalArgumentException("more than " + MAX_FILES + " files");
            out[n++] = f;
            out[n++] = have;
            out[n++] = total;
        }
        if (n == 0) throw new IllegalArgumentException("no file runs");
        return java.util.Arrays.copyOf(out, n);
    }

    /** The runs as records (tests, tools). */
    public static List<Run> runs(ByteBuffer bytes) {
        int[] t = decode(bytes);
        List<Run> out = new ArrayList<>(t.length / 3);
        for (int i = 0; i < t.length; i += 3) out.add(new Run(t[i], t[i + 1], t[i + 2]));
        return out;
    }

    private static int varint(byte[] out, int p, int v) {
        while ((v & ~0x7F) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    private static int varint(ByteBuffer b) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!b.hasRemaining()) throw new IllegalArgumentException("truncated file runs");
            int x = b.get() & 0xFF;
            if (shift == 28 && (x & 0xF8) != 0) throw new IllegalArgumentException("varint overflow in file runs");
            v |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("varint overflow in file runs");
    }
}
