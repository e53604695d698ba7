package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

import org.btda.events.FailureReason;
import org.btda.protocol.pieces.PieceAccountingException;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.Handshake;
import org.btda.protocol.wire.PeerMessage;
import org.btda.protocol.wire.PexMessage;

/**
 * One contact's conversation. Sends our handshake on connect; after the peer's, our extended handshake (if it speaks
 * BEP 10) and have_none (if it speaks BEP 6: btda claims nothing); then only listens, applying piece messages to a
 * {@link org.btda.protocol.pieces.PieceSet}, until the piece count has been known for the grace ({@link PieceCountGrace}),
 * the peer is quiet for the quiet timeout (the {@link io.netty.handler.timeout.IdleStateHandler} in front of us sees
 * decoded messages, so each message resets it), the message budget is spent or the session cap is hit. Never sends
 * request or piece.
 *
 * <p>An incoming peer that gives no BEP 10 listen port cannot be dialled back, so its own connection is the only way to
 * see it finish: it is <em>followed</em> (when the wiring says so). The grace, the quiet timeout, the message budget
 * and the session cap then give way to the follow rules: a snapshot result every follow interval when the piece count
 * changed, and the end when the peer has every piece, has had no new piece for a whole interval, hangs up, or the
 * follow cap is reached.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {

    /** The failure detail of a peer that hung up without sending its handshake (a transport policy reads it). */
    static final String CLOSED_BEFORE_HANDSHAKE = "peer closed before its handshake";

    private final Session session;
    private final SessionWiring wiring;
    /** Accepted connection: installed after the peer's first 48 bytes named our torrent, on an active channel. */
    private final boolean incoming;
    private ScheduledFuture<?> capTimer;
    private ScheduledFuture<?> followTimer;

    SessionHandler(Session session, SessionWiring wiring) {
        this(session, wiring, false);
    }

    SessionHandler(Session session, SessionWiring wiring, boolean incoming) {
        this.session = session;
        this.wiring = wiring;
        this.incoming = incoming;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // incoming: the channel is already active, so no channelActive will come; answer the peer's prefix now
        if (incoming && ctx.channel().isActive()) begin(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!incoming) begin(ctx);
        ctx.fireChannelActive();
    }

    private void begin(ChannelHandlerContext ctx) {
        capTimer = ctx.executor().schedule(() -> capReached(ctx), wiring.sessionCapMillis(), TimeUnit.MILLISECONDS);
        if (incoming && wiring.follows()) {
            followTimer = ctx.executor().scheduleAtFixedRate(() -> followTick(ctx), wiring.followIntervalMillis(),
                    wiring.followIntervalMillis(), TimeUnit.MILLISECONDS);
        }
        ctx.writeAndFlush(Handshake.of(session.target.infoHash(), wiring.peerId(), true, true, false))
                .addListener(f -> {
                    if (!f.isSuccess()) exceptionCaught(ctx, f.cause());
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.failure != null || session.closingByUs) return; // draining after we decided to stop
        session.messageArrived();
        try {
            if (msg instanceof Handshake h) {
                onHandshake(ctx, h);
            } else if (msg instanceof PeerMessage m) {
                session.messages++;
                onMessage(m);
                if (following()) {
                    if (complete()) endByUs(ctx);
                } else if (session.messages >= wiring.maxMessages() || completeAndIntroduced()) {
                    endByUs(ctx);
                }
            }
        } catch (PieceAccountingException e) {
            failAndClose(ctx, FailureClassifier.sessionFailure(e), e.getMessage());
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, Handshake h) {
        if (!Arrays.equals(h.infoHash(), session.target.infoHash())) {
            failAndClose(ctx, FailureReason.WRONG_INFO_HASH, "peer answered for " + HexFormat.of().formatHex(h.infoHash()));
            return;
        }
        session.handshakeReceived = true;
        session.peerId = h.peerId();
        session.reserved = h.reserved();
        if (h.supportsExtensionProtocol()) ctx.write(wiring.extendedHandshake());
        if (h.supportsFastExtension()) ctx.write(OutgoingMessages.haveNone());
        ctx.flush();
    }

    private void onMessage(PeerMessage m) {
        if (m instanceof PeerMessage.Bitfield b) {
            session.pieces.applyBitfield(b.bits());
            session.piecesChanged();
        } else if (m instanceof PeerMessage.Have h) {
            session.pieces.applyHave(h.pieceIndex());
            session.piecesChanged();
        } else if (m instanceof PeerMessage.HaveAll) {
            session.pieces.applyHaveAll();
            session.piecesChanged();
        } else if (m instanceof PeerMessage.HaveNone) {
            session.pieces.applyHaveNone();
            session.piecesChanged();
        } else if (m instanceof ExtendedHandshake e) {
            onExtendedHandshake(e);
        } else if (m instanceof PexMessage p) {
            session.pexMessages++;
            for (PexMessage.PexPeer peer : p.added()) {
                if (session.pexPeers.size() >= Session.MAX_PEX_PEERS) break;
                InetSocketAddress a = peer.endpoint();
                if (a.getPort() > 0) session.pexPeers.add(a);
                if (a.getPort() > 0 && (peer.flags() & PexMessage.PexPeer.PREFERS_ENCRYPTION) != 0) {
                    session.pexPrefersEncryption.add(a);
                }
                if (a.getPort() > 0 && session.transportMemory != null) {
                    session.transportMemory.pexFlags(a, peer.flags());
                }
            }
        }
        // everything else (choke, interested, request, unsolicited piece headers, ...) is counted and ignored
    }

    private void onExtendedHandshake(ExtendedHandshake e) {
        // yourip is deliberately not read: it must never be stored
        session.extClient = e.clientVersion();
        session.extListenPort = e.listenPort();
        session.extReqq = e.requestQueue();
        session.extMetadataSize = e.metadataSize();
        session.extMessages = new HashMap<>(e.extensions());
    }

    private boolean complete() {
        return session.pieces.known() && session.pieces.count() == session.target.totalPieces();
    }

    /**
     * A seed's count cannot change any more, so the grace has nothing left to wait for but what else the contact is
     * for: the peer's extended handshake (the client and the listen port a revisit needs) and, when it offers PEX, its
     * first PEX message (libtorrent sends it about a second after the handshake; PEX is how later joiners are found, so
     * a seed is not left before it). Without BEP 10 there is neither, and the count is all. Seeds are often most of a
     * swarm's reachable peers.
     */
    private boolean completeAndIntroduced() {
        if (!complete()) return false;
        boolean speaksBep10 = session.reserved != null && Handshake.Reserved.extensionProtocol(session.reserved);
        if (!speaksBep10) return true;
        if (session.extMessages == null) return false;
        Integer pex = session.extMessages.get("ut_pex");
        return pex == null || pex <= 0 || session.pexMessages > 0;
    }

    /**
     * Whether this session follows its peer: an accepted connection, following enabled, the peer's handshake read and
     * no usable BEP 10 {@code p} (a {@code p} arriving later ends the follow: the peer can then be revisited).
     */
    private boolean following() {
        if (!incoming || !wiring.follows() || !session.handshakeReceived) return false;
        Integer p = session.extListenPort;
        return p == null || p <= 0 || p > 65535;
    }

    private void capReached(ChannelHandlerContext ctx) {
        long elapsed = (System.nanoTime() - session.startedAtNanos) / 1_000_000;
        if (following() && elapsed < wiring.followCapMillis()) {
            capTimer = ctx.executor().schedule(() -> capReached(ctx), wiring.followCapMillis() - elapsed, TimeUnit.MILLISECONDS);
            return;
        }
        endByUs(ctx);
    }

    private void followTick(ChannelHandlerContext ctx) {
        if (!following() || session.finished() || session.closingByUs) return;
        long sinceNews = (System.nanoTime() - session.lastPieceChangeNanos) / 1_000_000;
        if (sinceNews >= wiring.followIntervalMillis()) {
            endByUs(ctx); // no new piece for a whole interval: paused, stalled or seeding; the final result says so
            return;
        }
        session.snapshot();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == PieceCountGrace.SETTLED || evt instanceof IdleStateEvent) {
            if (following()) return; // a downloader's count never settles and quiet between haves is normal: the follow tick decides
            endByUs(ctx); // the piece count settled, or quiet long enough: the normal ends of a contact
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session.closingByUs && session.failure == null && FailureClassifier.isReset(cause)) return;
        if (FailureClassifier.isReset(cause) && session.handshakeReceived && session.messages > 0) {
            // the peer told us what it had, then hung up hard: the contact still succeeded
            closeQuietly(ctx);
            return;
        }
        FailureReason reason = FailureClassifier.sessionFailure(cause);
        if (reason == FailureReason.RESET && session.handshakeReceived) reason = FailureReason.CLOSED_AFTER_HANDSHAKE;
        failAndClose(ctx, reason, String.valueOf(cause.getMessage()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (capTimer != null) capTimer.cancel(false);
        if (followTimer != null) followTimer.cancel(false);
        if (session.failure == null && !session.closingByUs) {
            // the peer hung up
            if (!session.handshakeReceived) session.fail(FailureReason.NO_HANDSHAKE, CLOSED_BEFORE_HANDSHAKE);
            else if (session.messages == 0) session.fail(FailureReason.CLOSED_AFTER_HANDSHAKE, "peer closed after its handshake");
        }
        if (session.failure == null && !session.handshakeReceived) {
            session.fail(FailureReason.NO_HANDSHAKE, "no handshake within " + wiring.describeLimits());
        }
        session.finish();
        ctx.fireChannelInactive();
    }

    private void failAndClose(ChannelHandlerContext ctx, FailureReason reason, String detail) {
        session.fail(reason, detail);
        closeQuietly(ctx);
    }

    private void endByUs(ChannelHandlerContext ctx) {
        closeQuietly(ctx);
    }

    private void closeQuietly(ChannelHandlerContext ctx) {
        session.closingByUs = true;
        ctx.channel().close();
    }
}
