package org.btda.protocol.bencode;

/**
 * Malformed or over-limit bencode. The message names the problem and the byte offset where it was found, so a bad
 * torrent or peer message can be diagnosed from logs alone.
 */
public class BencodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public BencodeException(String what, int offset) {
        super(offset >= 0 ? what + " at byte offset " + offset : what);
        this.offset = offset;
    }

    /** Byte offset in the input where the problem was detected; -1 when not tied to input (e.g. a typed getter). */
    public int offset() {
        return offset;
    }
}
