package org.btda.protocol.pieces;

import org.btda.protocol.pieces.PieceAccountingException.Reason;

/**
 * Which pieces a peer has announced, applied in arrival order: a bitfield replaces everything before it (BEP 3 allows
 * only one, but a second must not be added on top), have / have_all / have_none (BEP 6) update it. Invalid input is
 * rejected with {@link PieceAccountingException} and leaves the state unchanged.
 *
 * <p>One bit per piece in a long[] and an incrementally maintained count, so a million tracked peers of a
 * 10,000-piece torrent cost ~1.3 KB each. Not thread-safe: one instance belongs to one connection's event loop.
 */
public final class PieceSet {
    private final int totalPieces;
    private final long[] words;
    private int count;
    private boolean known;

    public PieceSet(int totalPieces) {
        if (totalPieces < 1) {
            throw new IllegalArgumentException("totalPieces must be positive, got " + totalPieces);
        }
        this.totalPieces = totalPieces;
        this.words = new long[(totalPieces + 63) >>> 6];
    }

    public int totalPieces() {
        return totalPieces;
    }

    /** Expected bitfield message payload length for this torrent. */
    public int bitfieldLength() {
        return (totalPieces + 7) >>> 3;
    }

    /** Replaces the state with this bitfield (big-endian bit order: bit 7 of byte 0 is piece 0). */
    public void applyBitfield(byte[] bitfield) {
        if (bitfield.length != bitfieldLength()) {
            throw new PieceAccountingException(Reason.WRONG_LENGTH, "bitfield has " + bitfield.length
                    + " bytes, torrent with " + totalPieces + " pieces needs " + bitfieldLength());
        }
        int spare = bitfield.length * 8 - totalPieces;
        if (spare > 0 && (bitfield[bitfield.length - 1] & ((1 << spare) - 1)) != 0) {
            throw new PieceAccountingException(Reason.SPARE_BITS, "bits after piece " + (totalPieces - 1)
                    + " are set in the last bitfield byte 0x" + Integer.toHexString(bitfield[bitfield.length - 1] & 0xff));
        }
        java.util.Arrays.fill(words, 0L);
        int c = 0;
        for (int i = 0; i < bitfield.length; i++) {
            int b = bitfield[i] & 0xff;
            if (b == 0) {
                continue;
            }
            c += Integer.bitCount(b);
            // byte i holds pieces 8i..8i+7 with piece 8i in the high bit; store piece p at bit (p & 63) of words[p >> 6]
            int reversed = Integer.reverse(b) >>> 24;
            words[i >>> 3] |= ((long) reversed) << ((i & 7) * 8);
        }
        count = c;
        known = true;
    }

    public void applyHave(int index) {
        if (index < 0 || index >= totalPieces) {
            throw new PieceAccountingException(Reason.INDEX_OUT_OF_RANGE, "have " + (index & 0xffffffffL)
                    + " but torrent has pieces 0.." + (totalPieces - 1));
        }
        long bit = 1L << (index & 63);
        if ((words[index >>> 6] & bit) == 0) {
            words[index >>> 6] |= bit;
            count++;
        }
        known = true;
    }

    public void applyHaveAll() {
        java.util.Arrays.fill(words, -1L);
        int tail = totalPieces & 63;
        if (tail != 0) {
            words[words.length - 1] = (1L << tail) - 1;
        }
        count = totalPieces;
        known = true;
    }

    public void applyHaveNone() {
        java.util.Arrays.fill(words, 0L);
        count = 0;
        known = true;
    }

    public boolean has(int index) {
        if (index < 0 || index >= totalPieces) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + totalPieces);
        }
        return (words[index >>> 6] & (1L << (index & 63))) != 0;
    }

    /** Pieces held among {@code from} (inclusive) .. {@code to} (exclusive): a popcount per 64 pieces. */
    public int countRange(int from, int to) {
        if (from < 0 || to > totalPieces || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + totalPieces);
        }
        if (from == to) return 0;
        int fw = from >>> 6, lw = (to - 1) >>> 6;
        long firstMask = -1L << (from & 63);
        long lastMask = -1L >>> (63 - ((to - 1) & 63));
        if (fw == lw) return Long.bitCount(words[fw] & firstMask & lastMask);
        int c = Long.bitCount(words[fw] & firstMask) + Long.bitCount(words[lw] & lastMask);
        for (int w = fw + 1; w < lw; w++) c += Long.bitCount(words[w]);
        return c;
    }

    /** Pieces announced so far (0 while unknown; check {@link #known()} to tell "0" from "unknown"). */
    public int count() {
        return count;
    }

    /** True once any bitfield/have/have_all/have_none arrived. Silence means unknown, not zero. */
    public boolean known() {
        return known;
    }

    /** Same as {@link #known()}. */
    public boolean isKnown() {
        return known;
    }

    /** count / totalPieces, or NaN while unknown. */
    public double fraction() {
        return known ? (double) count / totalPieces : Double.NaN;
    }

    public boolean isComplete() {
        return count == totalPieces;
    }

    /** Current state as a bitfield payload. */
    public byte[] toBitfield() {
        byte[] out = new byte[bitfieldLength()];
        for (int p = 0; p < totalPieces; p++) {
            if ((words[p >>> 6] & (1L << (p & 63))) != 0) {
                out[p >>> 3] |= (byte) (0x80 >>> (p & 7));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return known ? "PieceSet[" + count + "/" + totalPieces + "]" : "PieceSet[unknown/" + totalPieces + "]";
    }
}
