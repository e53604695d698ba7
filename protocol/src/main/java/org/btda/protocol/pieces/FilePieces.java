package org.btda.protocol.pieces;

import java.util.List;
import org.btda.protocol.metainfo.FileEntry;

/**
 * Which pieces belong to which file of a torrent (BEP 3 lays the files end to end in the piece space, in metainfo
 * order). A piece that spans two files belongs to both, so the per-file piece counts of a peer add up to more than
 * its piece count when files do not start on piece boundaries. BEP 47 padding files and empty files own no piece:
 * nobody wants them, and counting them would make "the peer has this file" true for files that are not there.
 *
 * <p>Immutable and bounded: at most {@link #MAX_FILES} files, 8 bytes per file; building it is O(files), counting a
 * peer's pieces per file is O(files + pieces / 64).
 */
public final class FilePieces {
    /** The same bound as the metainfo parser's file list. */
    public static final int MAX_FILES = 1_000_000;

    private final int pieceCount;
    private final int[] first;     // first piece of each file, -1 when the file owns no piece
    private final int[] last;      // last piece of each file, inclusive

    private FilePieces(int pieceCount, int[] first, int[] last) {
        this.pieceCount = pieceCount;
        this.first = first;
        this.last = last;
    }

    /** The layout of a parsed torrent's files. */
    public static FilePieces of(long pieceLength, List<FileEntry> files) {
        long[] lengths = new long[files.size()];
        boolean[] padding = new boolean[files.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = files.get(i).length();
            padding[i] = files.get(i).padding();
        }
        return of(pieceLength, lengths, padding);
    }

    /**
     * The layout of files of these lengths, in piece order; {@code padding[i]} marks a BEP 47 padding file.
     *
     * @throws IllegalArgumentException for no files, more than {@link #MAX_FILES}, a negative length, a non-positive
     *                                  piece length, a total of zero bytes or one that needs more than 2^31-1 pieces
     */
    public static FilePieces of(long pieceLength, long[] lengths, boolean[] padding) {
        if (pieceLength <= 0) throw new IllegalArgumentException("piece length must be positive, got " + pieceLength);
        if (lengths.length == 0 || lengths.length > MAX_FILES) {
            throw new IllegalArgumentException("file count must be 1.." + MAX_FILES + ", got " + lengths.length);
        }
        if (padding.length != lengths.length) throw new IllegalArgumentException("one padding flag per file");
        int[] first = new int[lengths.length];
        int[] last = new int[lengths.length];
        long offset = 0;
        for (int i = 0; i < lengths.length; i++) {
            long length = lengths[i];
            if (length < 0) throw new IllegalArgumentException("file " + i + " has negative length " + length);
            if (length == 0 || padding[i]) {
                first[i] = -1;
                last[i] = -1;
            } else {
                long end;
                try {
                    end = Math.addExact(offset, length);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("total size overflows 64 bits");
                }
                long firstPiece = offset / pieceLength, lastPiece = (end - 1) / pieceLength;
                if (lastPiece > Integer.MAX_VALUE - 1) throw new IllegalArgumentException("more than 2^31-1 pieces");
                first[i] = (int) firstPiece;
                last[i] = (int) lastPiece;
            }
            try {
                offset = Math.addExact(offset, length);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("total size overflows 64 bits");
            }
        }
        if (offset == 0) throw new IllegalArgumentException("torrent of zero bytes");
        long pieces = (offset + pieceLength - 1) / pieceLength;
        if (pieces > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31-1 pieces");
        return new FilePieces((int) pieces, first, last);
    }

    public int fileCount() {
        return first.length;
    }

    public int pieceCount() {
        return pieceCount;
    }

    /** False for padding and empty files, which own no piece. */
    public boolean counted(int file) {
        return first[file] >= 0;
    }

    /** First piece of the file, -1 when it owns none. */
    public int firstPiece(int file) {
        return first[file];
    }

    /** Last piece of the file (inclusive), -1 when it owns none. */
    public int lastPiece(int file) {
        return last[file];
    }

    /** Pieces the file touches, including the ones it shares with its neighbours; 0 for padding and empty files. */
    public int piecesOf(int file) {
        return first[file] < 0 ? 0 : last[file] - first[file] + 1;
    }

    /**
     * How many of each file's pieces the peer has: element i is at most {@link #piecesOf}(i), 0 for files that own no
     * piece. The set must be of this torrent (same piece count).
     */
    public int[] held(PieceSet peer) {
        if (peer.totalPieces() != pieceCount) {
            throw new IllegalArgumentException("piece set of " + peer.totalPieces() + " pieces, torrent has " + pieceCount);
        }
        int[] out = new int[first.length];
        for (int i = 0; i < first.length; i++) {
            if (first[i] >= 0) out[i] = peer.countRange(first[i], last[i] + 1);
        }
        return out;
    }
}
