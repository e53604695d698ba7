package org.btda.protocol.holepunch;

/** A {@code ut_holepunch} payload that is not a BEP 55 message. */
public final class HolepunchException extends Exception {
    public HolepunchException(String message) {
        super(message);
    }
}
