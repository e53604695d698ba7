package org.btda.evaluator.contact;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import org.btda.protocol.wire.PeerMessage;

/**
 * Ends a contact once the peer's piece count is known: {@code evaluator.piece-grace} after its first bitfield,
 * have_all, have_none (or a first have, from a peer that had nothing to announce), it tells the session handler behind
 * it that the count has settled ({@link #SETTLED}). The grace is for clients that send a partial (lazy) bitfield
 * followed by haves; a downloading peer streams haves for as long as it downloads, and waiting for it to fall quiet
 * kept sessions open up to the session cap. Messages pass through untouched.
 */
final class PieceCountGrace extends ChannelInboundHandlerAdapter {

    /** User event: the piece count has been known for the grace; the contact has learnt what it came for. */
    static final Object SETTLED = new Object() {
        @Override
        public String toString() {
            return "piece count settled";
        }
    };

    private final long graceMillis;
    private ScheduledFuture<?> timer;

    PieceCountGrace(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null && announcesPieces(msg)) {
            timer = ctx.executor().schedule(() -> {
                if (ctx.channel().isActive()) ctx.fireUserEventTriggered(SETTLED);
            }, graceMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) timer.cancel(false);
        ctx.fireChannelInactive();
    }

    static boolean announcesPieces(Object msg) {
        return msg instanceof PeerMessage.Bitfield || msg instanceof PeerMessage.HaveAll
                || msg instanceof PeerMessage.HaveNone || msg instanceof PeerMessage.Have;
    }
}
