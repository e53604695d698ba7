package org.btda.protocol.mse;

/** A declared MSE/PE handshake failure: the only exception the handshake lets escape on bad input. */
public final class MseException extends RuntimeException {
    private final MseViolation violation;

    public MseException(MseViolation violation, String message) {
        super(violation + ": " + message, null, false, false);
        this.violation = violation;
    }

    public MseViolation violation() {
        return violation;
    }
}
