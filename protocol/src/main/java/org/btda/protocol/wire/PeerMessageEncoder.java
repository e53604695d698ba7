package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes only what btda may send. Messages that would claim pieces (have, bitfield, have_all), ask for or serve data
 * (request, piece, cancel) or anything else btda never sends fail the write with an
 * {@link io.netty.handler.codec.EncoderException}: the measurement must stay passive even if a handler has a bug.
 * Stateless and {@link Sharable}.
 */
@Sharable
public final class PeerMessageEncoder extends MessageToByteEncoder<PeerMessage> {
    public static final PeerMessageEncoder INSTANCE = new PeerMessageEncoder();

    private PeerMessageEncoder() {
        super(PeerMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage msg, ByteBuf out) {
        if (msg instanceof PeerMessage.KeepAlive) {
            out.writeInt(0);
        } else if (msg instanceof PeerMessage.HaveNone) {
            idOnly(out, MessageId.HAVE_NONE);
        } else if (msg instanceof PeerMessage.Interested) {
            idOnly(out, MessageId.INTERESTED);
        } else if (msg instanceof PeerMessage.NotInterested) {
            idOnly(out, MessageId.NOT_INTERESTED);
        } else if (msg instanceof ExtendedHandshake h) {
            extended(out, MessageId.EXTENDED_HANDSHAKE, h.encodePayload());
        } else if (msg instanceof MetadataMessage m) {
            extended(out, m.extendedId(), m.encodePayload());
        } else if (msg instanceof ExtendedMessage e) {
            extended(out, e.extendedId(), e.payload());
        } else {
            throw new IllegalArgumentException("btda never sends " + msg.getClass().getSimpleName());
        }
    }

    private static void idOnly(ByteBuf out, int id) {
        out.writeInt(1);
        out.writeByte(id);
    }

    private static void extended(ByteBuf out, int extendedId, byte[] payload) {
        out.writeInt(2 + payload.length);
        out.writeByte(MessageId.EXTENDED);
        out.writeByte(extendedId);
        out.writeBytes(payload);
    }
}
