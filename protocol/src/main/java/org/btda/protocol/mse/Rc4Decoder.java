package org.btda.protocol.mse;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

/** Decrypts the payload stream after an RC4-selecting MSE handshake, in place (inbound buffers are the channel's own). */
public final class Rc4Decoder extends MessageToMessageDecoder<ByteBuf> {
    private final Rc4 cipher;

    public Rc4Decoder(Rc4 cipher) {
        super(ByteBuf.class);
        this.cipher = cipher;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        ByteBuf plain = msg.isReadOnly() ? msg.copy() : msg.retain();
        cipher.crypt(plain);
        out.add(plain);
    }
}
