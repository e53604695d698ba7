package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Byte layout of the BEP 3 handshake, shared by {@link HandshakeDecoder} and {@link HandshakeEncoder}. */
public final class HandshakeCodec {
    public static final byte[] PSTR = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);

    private HandshakeCodec() {
    }

    public static void write(Handshake h, ByteBuf out) {
        out.writeByte(PSTR.length);
        out.writeBytes(PSTR);
        out.writeBytes(h.reserved());
        out.writeBytes(h.infoHash());
        out.writeBytes(h.peerId());
    }
}
