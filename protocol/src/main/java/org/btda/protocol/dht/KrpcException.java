package org.btda.protocol.dht;

/** A datagram that is not a valid KRPC message (BEP 5); the message says why. Checked: callers must count and drop. */
public class KrpcException extends Exception {
    private static final long serialVersionUID = 1L;

    public KrpcException(String message) {
        super(message);
    }
}
