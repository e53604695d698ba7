package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads exactly one 68-byte handshake, then removes itself so the bytes that follow (often coalesced with the handshake)
 * go to the {@link PeerMessageDecoder} behind it. Wrong pstrlen/pstr is rejected as soon as the offending byte arrives,
 * without waiting for the rest. Never holds more than 68 bytes of its own.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
    private final boolean emitPrefix;
    private final WireCounters counters;
    private int checked; // bytes of pstrlen+pstr already verified
    private boolean prefixEmitted;
    private boolean failed;

    /**
     * @param emitPrefix emit a {@link HandshakePrefix} once 48 bytes are in (incoming connections)
     */
    public HandshakeDecoder(boolean emitPrefix, WireCounters counters) {
        this.emitPrefix = emitPrefix;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int available = in.readableBytes();
        // verify pstrlen and pstr incrementally: an MSE stream or HTTP probe fails on its first byte or so
        while (checked < 1 + HandshakeCodec.PSTR.length && checked < available) {
            byte b = in.getByte(start + checked);
            byte expected = checked == 0 ? (byte) HandshakeCodec.PSTR.length : HandshakeCodec.PSTR[checked - 1];
            if (b != expected) {
                failed = true;
                counters.countViolation(WireViolation.BAD_HANDSHAKE);
                in.skipBytes(in.readableBytes());
                throw new PeerWireException(WireViolation.BAD_HANDSHAKE, checked == 0
                        ? "pstrlen " + (b & 0xff) + " (expected 19)"
                        : "pstr byte " + (checked - 1) + " is 0x" + Integer.toHexString(b & 0xff));
            }
            checked++;
        }
        if (emitPrefix && !prefixEmitted && available >= Handshake.PREFIX_LENGTH) {
            prefixEmitted = true;
            // fired directly: ByteToMessageDecoder forbids emitting to `out` without consuming input, and the prefix
            // bytes stay buffered until the full handshake is in; order is kept because `out` is still empty here
            ctx.fireChannelRead(new HandshakePrefix(bytes(in, start + 20, 8), bytes(in, start + 28, 20)));
        }
        if (available < Handshake.LENGTH) {
            return;
        }
        Handshake h = new Handshake(bytes(in, start + 20, 8), bytes(in, start + 28, 20), bytes(in, start + 48, 20));
        in.skipBytes(Handshake.LENGTH);
        out.add(h);
        // ByteToMessageDecoder fires `out` first, then hands the remaining bytes to the next handler
        ctx.pipeline().remove(this);
    }

    private static byte[] bytes(ByteBuf in, int index, int len) {
        byte[] b = new byte[len];
        in.getBytes(index, b);
        return b;
    }
}
