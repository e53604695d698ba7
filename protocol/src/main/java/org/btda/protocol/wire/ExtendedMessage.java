package org.btda.protocol.wire;

import java.util.Arrays;

/**
 * A BEP 10 message passed through undecoded: incoming, an extension btda did not assign an id for (or one it has no
 * parser for); outgoing, any payload under the peer's id. {@code extendedId} is the byte after message id 20.
 */
public record ExtendedMessage(int extendedId, byte[] payload) implements PeerMessage {
    public ExtendedMessage {
        if (extendedId < 0 || extendedId > 255) {
            throw new IllegalArgumentException("extended id out of range: " + extendedId);
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedMessage e && e.extendedId == extendedId && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return extendedId * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ExtendedMessage[id=" + extendedId + ", " + payload.length + " bytes]";
    }
}
