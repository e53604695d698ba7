package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Handshake} objects; stateless, so one instance can serve every channel. */
@Sharable
public final class HandshakeEncoder extends MessageToByteEncoder<Handshake> {
    public static final HandshakeEncoder INSTANCE = new HandshakeEncoder();

    private HandshakeEncoder() {
        super(Handshake.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Handshake msg, ByteBuf out) {
        HandshakeCodec.write(msg, out);
    }
}
