package org.btda.protocol.mse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encrypts our payload stream after an RC4-selecting MSE handshake. Copies: outgoing buffers may be shared constants
 * of the encoders behind it.
 */
public final class Rc4Encoder extends MessageToByteEncoder<ByteBuf> {
    private final Rc4 cipher;

    public Rc4Encoder(Rc4 cipher) {
        super(ByteBuf.class);
        this.cipher = cipher;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeBytes(msg);
        cipher.crypt(out.slice(start, out.writerIndex() - start));
    }
}
