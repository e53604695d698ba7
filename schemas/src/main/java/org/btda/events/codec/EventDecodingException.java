package org.btda.events.codec;

/** A value could not be decoded: bad header, unknown schema fingerprint, truncated or garbage bytes, or an incompatible schema. */
public class EventDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }

    public EventDecodingException(String message) {
        super(message);
    }
}
