package org.btda.protocol.wire;

import io.netty.handler.codec.DecoderException;

/**
 * The peer broke the wire protocol. Extends {@link DecoderException} so Netty's {@code ByteToMessageDecoder} passes it
 * to {@code exceptionCaught} unwrapped; handlers read {@link #violation()} instead of parsing messages.
 */
public final class PeerWireException extends DecoderException {
    private static final long serialVersionUID = 1L;
    private final WireViolation violation;

    public PeerWireException(WireViolation violation, String detail) {
        super(violation + ": " + detail);
        this.violation = violation;
    }

    public WireViolation violation() {
        return violation;
    }
}
