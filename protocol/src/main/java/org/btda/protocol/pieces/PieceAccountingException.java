package org.btda.protocol.pieces;

/** A peer's piece information that contradicts the torrent: the observation must not be counted. */
public class PieceAccountingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** bitfield byte length is not ceil(pieces / 8) */
        WRONG_LENGTH,
        /** bits beyond the last piece are set */
        SPARE_BITS,
        /** have index not in 0..pieces-1 */
        INDEX_OUT_OF_RANGE
    }

    private final Reason reason;

    public PieceAccountingException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
