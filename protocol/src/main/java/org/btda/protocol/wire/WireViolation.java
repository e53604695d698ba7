package org.btda.protocol.wire;

/**
 * Why the codec gave up on a connection. Each is counted in {@link WireCounters} and carried by
 * {@link PeerWireException}; after one violation the decoder discards all further input, so the handler should close.
 */
public enum WireViolation {
    /** A length prefix above {@link PeerWireLimits#maxFrameLength()}; rejected before any byte of the body is held. */
    FRAME_TOO_LARGE,
    /** pstrlen is not 19 or pstr is not "BitTorrent protocol" (also what an encrypted MSE stream looks like). */
    BAD_HANDSHAKE,
    /** A known message id with a body of the wrong size or an out-of-range value. */
    MALFORMED_MESSAGE,
    /** A BEP 10 message (handshake, ut_pex, ut_metadata) whose bencoded payload does not decode or has the wrong shape. */
    MALFORMED_EXTENDED
}
