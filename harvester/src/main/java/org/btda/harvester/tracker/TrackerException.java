package org.btda.harvester.tracker;

/** A tracker request that failed; the message says why (timeout, failure reason, malformed answer...). */
public class TrackerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrackerException(String message) {
        super(message);
    }

    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
