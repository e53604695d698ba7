package org.btda.evaluator.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/** One synthetic peer's side of a connection: waits for the dialler's handshake, then acts out its behaviour. */
final class SwarmPeerHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] EXT_HANDSHAKE = RawWire.extendedHandshake(
            Map.of("m", Map.of("ut_pex", 1), "v", "Synthetic 1.0", "reqq", 250));

    private final int peer;
    private final SwarmMix.Behaviour behaviour;
    private final byte[] head = new byte[RawWire.HANDSHAKE_LENGTH];
    private int headLength;

    SwarmPeerHandler(int peer) {
        this.peer = peer;
        this.behaviour = peer < 0 ? SwarmMix.Behaviour.SILENT : SwarmMix.behaviour(peer);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (headLength < head.length) {
                int n = Math.min(in.readableBytes(), head.length - headLength);
                in.readBytes(head, headLength, n);
                headLength += n;
                if (headLength == head.length) onHandshake(ctx);
            }
            // everything after the handshake (extended handshake, have_none) is ignored
        } finally {
            in.release();
        }
    }

    private void onHandshake(ChannelHandlerContext ctx) {
        byte[] infoHash = Arrays.copyOfRange(head, 28, 48);
        if (!Arrays.equals(infoHash, SwarmMix.INFO_HASH)) {
            ctx.close();
            return;
        }
        switch (behaviour) {
            case SILENT -> { }
            case RESET -> {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
            }
            case REFUSE -> ctx.close(); // not reached: nobody listens on the refusers' port
            case BITFIELD, SLOW_HAVES -> {
                int have = SwarmMix.initialPieces(peer);
                byte[] reply = RawWire.concat(
                        RawWire.handshake(SwarmMix.INFO_HASH, peerId(), true, true),
                        EXT_HANDSHAKE,
                        RawWire.bitfield(SwarmMix.TOTAL_PIECES, have));
                ctx.writeAndFlush(Unpooled.wrappedBuffer(reply));
                if (behaviour == SwarmMix.Behaviour.SLOW_HAVES) scheduleHave(ctx, have, SwarmMix.HAVES);
            }
        }
    }

    private void scheduleHave(ChannelHandlerContext ctx, int index, int remaining) {
        if (remaining == 0) return;
        ctx.executor().schedule(() -> {
            if (!ctx.channel().isActive()) return;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RawWire.have(index)));
            scheduleHave(ctx, index + 1, remaining - 1);
        }, 1, TimeUnit.SECONDS);
    }

    private byte[] peerId() {
        byte[] id = String.format("-TR3000-%012d", peer).getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(id, 20);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // resets by the evaluator side are expected under load
    }
}
