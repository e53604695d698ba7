package org.btda.evaluator.contact;

import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.ExtensionIds;
import org.btda.protocol.wire.MessageId;

/**
 * The only two messages btda sends after the handshake. Encoded once (they never vary) and copied per session.
 * Deliberately no request, piece, bitfield or have: btda never claims or asks for pieces.
 */
final class OutgoingMessages {

    private static final byte[] EXTENDED_HANDSHAKE = frame(MessageId.EXTENDED, extendedHandshakePayload());
    private static final byte[] HAVE_NONE = frame(MessageId.HAVE_NONE, new byte[0]);

    private OutgoingMessages() {
    }

    static ByteBuf extendedHandshake(ByteBufAllocator alloc) {
        return alloc.buffer(EXTENDED_HANDSHAKE.length).writeBytes(EXTENDED_HANDSHAKE);
    }

    static ByteBuf haveNone(ByteBufAllocator alloc) {
        return alloc.buffer(HAVE_NONE.length).writeBytes(HAVE_NONE);
    }

    /** BEP 10 handshake: m = {ut_pex}, v; no p (we do not listen here), no metadata_size, no yourip. */
    static byte[] extendedHandshakePayload() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ExtensionIds.UT_PEX, SessionWiring.EXTENSION_IDS.utPex());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("m", m);
        d.put("v", ExtendedHandshake.BTDA_VERSION);
        byte[] body = Bencode.encode(d);
        byte[] payload = new byte[1 + body.length];
        payload[0] = (byte) MessageId.EXTENDED_HANDSHAKE;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }

    private static byte[] frame(int id, byte[] payload) {
        byte[] f = new byte[5 + payload.length];
        int len = 1 + payload.length;
        f[0] = (byte) (len >>> 24);
        f[1] = (byte) (len >>> 16);
        f[2] = (byte) (len >>> 8);
        f[3] = (byte) len;
        f[4] = (byte) id;
        System.arraycopy(payload, 0, f, 5, payload.length);
        return f;
    }
}
