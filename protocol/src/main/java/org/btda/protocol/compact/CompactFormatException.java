package org.btda.protocol.compact;

/** A compact endpoint list that is not a whole number of entries, or longer than its cap; the message says which. */
public class CompactFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompactFormatException(String message) {
        super(message);
    }
}
