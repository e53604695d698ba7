package org.btda.protocol.tracker;

/**
 * A tracker answer that cannot be used: malformed, truncated, a {@code failure reason} or a BEP 15 error packet. The
 * message says why; clients report it as the failure of that request.
 */
public class TrackerResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrackerResponseException(String message) {
        super(message);
    }

    public TrackerResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
