package org.btda.protocol.magnet;

/** A magnet URI btda cannot use; the message says which parameter and why. */
public class MagnetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MagnetException(String message) {
        super(message);
    }
}
