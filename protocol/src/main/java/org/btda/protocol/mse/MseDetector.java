package org.btda.protocol.mse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * First handler of an accepted connection that may be plaintext or MSE: a stream that starts with pstrlen 19 and
 * "BitTorrent protocol" is plaintext and this handler just leaves; anything else is the peer's Diffie-Hellman value,
 * and an MSE responder takes its place (receiving the bytes held so far). Decides on the first byte that differs, so
 * it holds at most 20 bytes; a random Ya that matches all 20 has probability 2^-160.
 */
public final class MseDetector extends ByteToMessageDecoder {
    public static final String NAME = "mse-detector";
    private static final byte[] PLAINTEXT_START;

    static {
        byte[] pstr = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
        PLAINTEXT_START = new byte[1 + pstr.length];
        PLAINTEXT_START[0] = (byte) pstr.length;
        System.arraycopy(pstr, 0, PLAINTEXT_START, 1, pstr.length);
    }

    private final Supplier<MseHandshakeHandler> responder;

    public MseDetector(Supplier<MseHandshakeHandler> responder) {
        this.responder = responder;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int n = Math.min(in.readableBytes(), PLAINTEXT_START.length);
        for (int k = 0; k < n; k++) {
            if (in.getByte(start + k) != PLAINTEXT_START[k]) {
                // the held bytes are handed to the replacement on removal
                ctx.pipeline().replace(this, MseHandshakeHandler.NAME, responder.get());
                return;
            }
        }
        if (n == PLAINTEXT_START.length) ctx.pipeline().remove(this);
    }
}
