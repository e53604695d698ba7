package org.btda.evaluator.contact;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.utp.UtpChannel;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.events.Transport;
import org.btda.events.Encryption;
import org.btda.protocol.client.PeerIds;
import org.btda.protocol.mse.MseDetector;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseEstablished;
import org.btda.protocol.mse.MseException;
import org.btda.protocol.wire.HandshakeDecoder;
import org.btda.protocol.wire.HandshakeEncoder;
import org.btda.protocol.wire.HandshakePrefix;
import org.btda.protocol.wire.PeerMessageDecoder;
import org.btda.protocol.wire.PeerMessageEncoder;
import org.btda.protocol.wire.WireCounters;

/**
 * Passive mode: accepts incoming BitTorrent connections, plaintext or MSE/PE (the torrent then found from req2 among
 * the monitored ones), and evaluates the peers exactly like contacted ones (the same
 * {@link SessionHandler}). After the first 48 handshake bytes name the torrent, a monitored one is answered with our
 * handshake; anything else is closed and counted. Connections are limited per address and in total; refusals are
 * counted by reason. One small event loop; no thread per peer.
 */
public final class IncomingListener implements AutoCloseable {

    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("btda.incoming.counted");

    private final EvaluatorStats stats;
    private final Function<String, TorrentInfo> torrents;
    private final Function<byte[], byte[]> torrentByReq2;
    private final BiConsumer<ContactResult, TorrentInfo> onResult;
    private final BiConsumer<ContactResult, TorrentInfo> onSnapshot;
    private final int maxConnections;
    private final int maxPerAddress;
    private final SessionWiring baseWiring;
    private final EventLoopGroup group;
    /** null when only BEP 55 introductions are accepted (listen.enabled false) */
    private final Channel server;
    private volatile SessionWiring wiring;
    private final long followIntervalMillis;
    private final long followCapMillis;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Limits limits = new Limits();

    /** Without following: every incoming session ends like a contacted one. */
    public IncomingListener(EvaluatorConfig config, EvaluatorStats stats, InetSocketAddress bind, int maxConnections,
                            int maxPerAddress, Function<String, TorrentInfo> torrents,
                            BiConsumer<ContactResult, TorrentInfo> onResult) {
        this(config, stats, bind, maxConnections, maxPerAddress, 0, 0, torrents, req2 -> null, onResult, (r, t) -> { });
    }

    /**
     * @param followIntervalMillis a peer without a BEP 10 listen port is followed on its connection, with a snapshot
     *                             every this many ms while its piece count changes (0 = not followed)
     * @param followCapMillis      the longest follow
     * @param torrents             info hash hex → the monitored torrent, or null when not monitored
     * @param torrentByReq2        HASH('req2', info hash) → that monitored info hash, or null: how an MSE peer names its
     *                             torrent (without it, every MSE connection is refused as UNKNOWN_TORRENT)
     * @param onResult             called once per evaluated session (after the peer's full handshake), on an event-loop thread
     * @param onSnapshot           called with each intermediate result of a followed session, on an event-loop thread
     */
    public IncomingListener(EvaluatorConfig config, EvaluatorStats stats, InetSocketAddress bind, int maxConnections,
                            int maxPerAddress, long followIntervalMillis, long followCapMillis,
                            Function<String, TorrentInfo> torrents, Function<byte[], byte[]> torrentByReq2,
                            BiConsumer<ContactResult, TorrentInfo> onResult,
                            BiConsumer<ContactResult, TorrentInfo> onSnapshot) {
        this.stats = stats;
        this.torrents = torrents;
        this.torrentByReq2 = torrentByReq2;
        this.onResult = onResult;
        this.onSnapshot = onSnapshot;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.baseWiring = SessionWiring.of(config, PeerIds.generate(), new WireCounters());
        this.followIntervalMillis = followIntervalMillis;
        this.followCapMillis = followCapMillis;
        this.group = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory());
        if (bind == null) {
            this.server = null;
            this.wiring = baseWiring.forIncoming(null, followIntervalMillis, followCapMillis);
            return;
        }
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(Transports.serverSocketChannel())
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_RCVBUF, 32 * 1024)
                    .childHandler(new Initializer());
            this.server = b.bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.wiring = baseWiring.forIncoming(port(), followIntervalMillis, followCapMillis);
    }

    /**
     * Also accept uTP connections arriving at {@code socket} (bound to our port number over UDP): they pass the same
     * limits, gate and session handler as TCP ones.
     */
    public void acceptUtp(UtpSocket socket) {
        socket.acceptWith(new Initializer());
    }

    /**
     * BEP 55 on {@code socket}: our uTP sessions advertise ut_holepunch and may ask their peer to relay, and a peer a
     * relay announced ({@link Holepunch#takeExpected}) is accepted even when not listening; its session says holepunch
     * and is followed on its connection.
     */
    public void acceptHolepunch(UtpSocket socket, Holepunch holepunch) {
        wiring = wiring.withHolepunch(holepunch, socket.localAddress().getPort(), followIntervalMillis, followCapMillis);
        socket.acceptExpected(holepunch::takeExpected, new Initializer());
    }

    /**
     * Sessions only through BEP 55 introductions on {@link #acceptHolepunch}: no TCP server (listen.enabled false), the
     * same limits, gate and observations as a listener.
     */
    public static IncomingListener withoutServer(EvaluatorConfig config, EvaluatorStats stats, int maxConnections,
            int maxPerAddress, long followIntervalMillis, long followCapMillis, Function<String, TorrentInfo> torrents,
            Function<byte[], byte[]> torrentByReq2, BiConsumer<ContactResult, TorrentInfo> onResult,
            BiConsumer<ContactResult, TorrentInfo> onSnapshot) {
        return new IncomingListener(config, stats, null, maxConnections, maxPerAddress, followIntervalMillis,
                followCapMillis, torrents, torrentByReq2, onResult, onSnapshot);
    }

    /** The TCP server's address; null without a server. */
    public InetSocketAddress localAddress() {
        return server == null ? null : (InetSocketAddress) server.localAddress();
    }

    public int port() {
        return server == null ? 0 : localAddress().getPort();
    }

    /** Incoming connections open now. */
    public int open() {
        return open.get();
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Initializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("limits", limits);
            // plaintext or MSE: decided on the first bytes; an MSE responder then hands plaintext up
            p.addLast(MseDetector.NAME, new MseDetector(() -> baseWiring.mseResponder(torrentByReq2)));
            p.addLast("handshake-encoder", HandshakeEncoder.INSTANCE);
            p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
            p.addLast("handshake-decoder", new HandshakeDecoder(true, baseWiring.counters()));
            p.addLast("message-decoder", new PeerMessageDecoder(baseWiring.limits(), SessionWiring.EXTENSION_IDS,
                    baseWiring.counters()));
            p.addLast("quiet", new IdleStateHandler(false, baseWiring.quietMillis(), 0, 0, TimeUnit.MILLISECONDS));
            // an incoming session is a session with the peer like an outgoing one: it ends once the count is known
            p.addLast("piece-grace", new PieceCountGrace(baseWiring.pieceGraceMillis()));
            p.addLast("session", new Gate());
        }
    }

    /** Per-address and total ceilings, checked when the connection becomes active and released when it closes. */
    @Sharable
    private final class Limits extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetAddress a = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                refuse(ctx, Refusal.TOTAL_LIMIT);
                return;
            }
            AtomicInteger n = perAddress.computeIfAbsent(a, k -> new AtomicInteger());
            if (n.incrementAndGet() > maxPerAddress) {
                release(a, n);
                open.decrementAndGet();
                refuse(ctx, Refusal.ADDRESS_LIMIT);
                return;
            }
            ctx.channel().attr(COUNTED).set(a);
            stats.incomingOpened();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            InetAddress a = ctx.channel().attr(COUNTED).getAndSet(null);
            if (a != null) {
                AtomicInteger n = perAddress.get(a);
                if (n != null) release(a, n);
                open.decrementAndGet();
                stats.incomingClosed();
            }
            ctx.fireChannelInactive();
        }

        private void release(InetAddress a, AtomicInteger n) {
            if (n.decrementAndGet() <= 0) perAddress.remove(a, n); // bounded map: only addresses with open connections
        }
    }

    private void refuse(ChannelHandlerContext ctx, Refusal why) {
        if (ctx.channel().attr(REFUSED).get() != null) return; // counted once
        stats.countIncomingRefusal(why);
        ctx.channel().attr(REFUSED).set(Boolean.TRUE);
        ctx.close();
    }

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("btda.incoming.refused");

    /** Waits for the 48-byte prefix, then either becomes a {@link SessionHandler} or refuses the connection. */
    private final class Gate extends ChannelInboundHandlerAdapter {
        private Encryption encryption = Encryption.PLAIN;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HandshakePrefix prefix) {
                String hex = HexFormat.of().formatHex(prefix.infoHash());
                TorrentInfo t = torrents.apply(hex);
                if (t == null) {
                    refuse(ctx, Refusal.UNKNOWN_TORRENT);
                    return;
                }
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                // a peer a relay introduced is the endpoint we asked about (where our direct contacts failed), whatever
                // port its NAT gave this flow: its observations then belong to the peer btda already knows
                if (ctx.channel() instanceof UtpChannel u && u.introduction() instanceof Holepunch.Introduction in) {
                    remote = new InetSocketAddress(remote.getAddress(), in.endpoint().getPort());
                }
                ContactTarget target = new ContactTarget(prefix.infoHash(), remote, t.pieceCount(), t.files());
                stats.incomingSessionStarted();
                Session session = new Session(target, stats::incomingSessionEnded);
                if (ctx.channel() instanceof UtpChannel u) {
                    session.transport = Transport.UTP;
                    session.holepunch = u.holepunched();
                }
                session.encryption = encryption;
                session.snapshots = r -> onSnapshot.accept(r, t);
                session.future().thenAccept(r -> {
                    // a peer that never completed its handshake gave no identity: nothing to observe
                    if (r.peerId() == null) stats.countIncomingRefusal(Refusal.NO_HANDSHAKE);
                    else onResult.accept(r, t);
                });
                SessionHandler handler = new SessionHandler(session, wiring, true);
                ctx.pipeline().replace(this, "session", handler);
            }
            // nothing else can arrive before the prefix (the decoder holds bytes until 48 are in)
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) refuse(ctx, Refusal.NO_HANDSHAKE);
            else if (evt instanceof MseEstablished e) {
                encryption = e.encryption() == MseEncryption.RC4 ? Encryption.RC4 : Encryption.PLAIN;
            } else ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof MseException m) {
                refuse(ctx, switch (m.violation()) {
                    case UNKNOWN_TORRENT -> Refusal.UNKNOWN_TORRENT;
                    case OVERLOADED -> Refusal.ENCRYPTION_LIMIT;
                    default -> Refusal.BAD_ENCRYPTION;
                });
            } else {
                refuse(ctx, Refusal.BAD_HANDSHAKE); // HTTP probes, resets before the prefix
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            refuse(ctx, Refusal.NO_HANDSHAKE); // hung up before naming a torrent (no-op when already refused)
            ctx.fireChannelInactive();
        }
    }
}
