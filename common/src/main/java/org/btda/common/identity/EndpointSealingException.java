package org.btda.common.identity;

/** A sealed endpoint could not be opened: tampered, truncated, or sealed under another secret. */
public class EndpointSealingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public EndpointSealingException(String message, Throwable cause) {
        super(message, cause);
    }
}
