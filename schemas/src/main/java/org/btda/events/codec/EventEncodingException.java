package org.btda.events.codec;

/** A record could not be encoded (for example a required field was left null). */
public class EventEncodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
