package org.btda.protocol.wire;

import java.util.List;
import org.btda.protocol.pieces.PieceSet;

/** What a {@link ProbeHandler} saw on one connection, handed over when the connection closed. */
record ProbeResult(Handshake handshake, ExtendedHandshake extendedHandshake, List<Object> messages, PieceSet pieces,
        Throwable failure) {
}
