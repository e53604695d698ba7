package org.btda.protocol.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.btda.protocol.pieces.PieceSet;

/**
 * Minimal passive peer session for the real-client tests: send our handshake, answer with an extended handshake and
 * have_none when the bits allow, then record whatever the peer volunteers until it goes quiet or closes.
 * All state lives on the channel's event loop; the result is published once, on close.
 */
final class ProbeHandler extends SimpleChannelInboundHandler<Object> {
    private final Handshake ours;
    private final boolean incoming;
    private final ExtensionIds ids;
    private final PieceSet pieces;
    private final CompletableFuture<ProbeResult> result;
    private final List<Object> messages = new ArrayList<>();
    private Handshake theirs;
    private ExtendedHandshake extended;
    private Throwable failure;

    /**
     * @param incoming accepted connection: wait for the peer's info hash ({@link HandshakePrefix}) before answering
     */
    ProbeHandler(Handshake ours, boolean incoming, ExtensionIds ids, int totalPieces,
            CompletableFuture<ProbeResult> result) {
        this.ours = ours;
        this.incoming = incoming;
        this.ids = ids;
        this.pieces = new PieceSet(totalPieces);
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!incoming) {
            ctx.writeAndFlush(ours);
        }
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        messages.add(msg);
        if (msg instanceof HandshakePrefix prefix) {
            if (!Arrays.equals(prefix.infoHash(), ours.infoHash())) {
                failure = new IllegalStateException("incoming peer asked for an unknown torrent");
                ctx.close();
                return;
            }
            ctx.writeAndFlush(ours);
        } else if (msg instanceof Handshake h) {
            theirs = h;
            if (!Arrays.equals(h.infoHash(), ours.infoHash())) {
                failure = new IllegalStateException("peer answered for another torrent");
                ctx.close();
                return;
            }
            if (ours.supportsExtensionProtocol() && h.supportsExtensionProtocol()) {
                ctx.write(ExtendedHandshake.forBtda(ids, true, true, null, 250));
            }
            if (PeerWirePipeline.shouldSendHaveNone(ours, h)) {
                ctx.write(PeerMessage.HaveNone.INSTANCE);
            }
            ctx.flush();
        } else if (msg instanceof PeerMessage.Bitfield b) {
            pieces.applyBitfield(b.bits());
        } else if (msg instanceof PeerMessage.Have h) {
            pieces.applyHave(h.pieceIndex());
        } else if (msg instanceof PeerMessage.HaveAll) {
            pieces.applyHaveAll();
        } else if (msg instanceof PeerMessage.HaveNone) {
            pieces.applyHaveNone();
        } else if (msg instanceof ExtendedHandshake e) {
            extended = e;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // quiet: the peer has said what it volunteers
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.complete(new ProbeResult(theirs, extended, List.copyOf(messages), pieces, failure));
        ctx.fireChannelInactive();
    }
}
