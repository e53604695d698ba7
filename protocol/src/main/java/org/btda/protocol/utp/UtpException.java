package org.btda.protocol.utp;

/** A datagram that is not a valid BEP 29 packet; {@link #reason()} is what the socket counts. */
public final class UtpException extends Exception {

    public enum Reason {
        /** shorter than the 20-byte header, or an extension running past the end */
        TRUNCATED,
        /** longer than {@link UtpLimits#maxPacketBytes()} */
        TOO_LARGE,
        /** version other than 1 */
        BAD_VERSION,
        /** type code 5 to 15 */
        BAD_TYPE,
        /** more extensions than {@link UtpLimits#maxExtensions()} */
        TOO_MANY_EXTENSIONS,
        /** selective ack whose length is not a positive multiple of 4, or above the limit */
        BAD_SELECTIVE_ACK,
        /** SYN, STATE or RESET carrying payload */
        UNEXPECTED_PAYLOAD
    }

    private final Reason reason;

    public UtpException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
