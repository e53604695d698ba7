package org.btda.evaluator.utp;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.btda.evaluator.contact.Transports;
import org.btda.protocol.utp.UtpCodec;
import org.btda.protocol.utp.UtpException;
import org.btda.protocol.utp.UtpPacket;
import org.btda.protocol.utp.UtpType;

/**
 * One UDP socket carrying every uTP connection of an evaluator, outgoing and accepted, demultiplexed by (peer address,
 * connection id). It is bound to the listen port when the listener is on (peers dial the same port number over TCP
 * and uTP), otherwise to an ephemeral one. One event loop thread runs the socket, its connections and their
 * {@link UtpChannel}s, so connection state needs no locks.
 */
public final class UtpSocket implements AutoCloseable {

    /** How often retransmission and connect deadlines are checked. */
    static final long TICK_MILLIS = 50;
    private static final Logger log = LoggerFactory.getLogger(UtpSocket.class);

    private record Key(InetSocketAddress remote, int recvId) {
    }

    private final UtpSocketConfig config;
    private final UtpCounters counters = new UtpCounters();
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Channel udp;
    private final ScheduledFuture<?> ticker;
    private final SecureRandom random = new SecureRandom();
    private final Map<Key, UtpConnection> table = new HashMap<>();
    private final Map<InetAddress, Integer> acceptedPerAddress = new HashMap<>();
    private volatile ChannelHandler acceptor;
    private volatile Function<InetSocketAddress, ?> expected;
    private volatile ChannelHandler expectedAcceptor;

    public UtpSocket(InetSocketAddress bind, UtpSocketConfig config) {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory());
        this.loop = group.next();
        try {
            this.udp = new Bootstrap().group(loop).channel(Transports.datagramChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    // one byte more than the limit, so that an oversized datagram is seen as such, not truncated
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.limits().maxPacketBytes() + 1))
                    .handler(new Inbound())
                    .bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Accept incoming connections: each gets {@code initializer} in its pipeline (the listener's, as for TCP). */
    public void acceptWith(ChannelHandler initializer) {
        this.acceptor = initializer;
    }

    /**
     * Also accept a SYN from an address {@code expected} vouches for (a non-null answer, which it consumes: one
     * introduction, one connection), with {@code initializer}, even when not listening: a BEP 55 relay told that peer
     * to dial us. The channel says {@link UtpChannel#holepunched()} and carries the answer
     * ({@link UtpChannel#introduction()}). Every other SYN is treated as before.
     */
    public void acceptExpected(Function<InetSocketAddress, ?> expected, ChannelHandler initializer) {
        this.expectedAcceptor = initializer;
        this.expected = expected;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    public UtpSocketConfig config() {
        return config;
    }

    public UtpCounters counters() {
        return counters;
    }

    /** A new unconnected channel for {@link Bootstrap#channelFactory}; {@code connect} sends the SYN. */
    public UtpChannel newChannel() {
        return new UtpChannel(this);
    }

    /** Connections in the table now (open channels and closing ones awaiting their FIN's ack). */
    public int connections() {
        if (loop.inEventLoop()) return table.size();
        return loop.submit(table::size).syncUninterruptibly().getNow();
    }

    void connect(UtpChannel channel, InetSocketAddress remote, int timeoutMillis, ChannelPromise promise) {
        if (remote.isUnresolved()) {
            promise.tryFailure(new IOException("unresolved address"));
            return;
        }
        if (table.size() >= config.maxConnections()) {
            promise.tryFailure(new BindException("uTP connection table full: cannot assign requested address"));
            return;
        }
        int recvId = -1;
        for (int i = 0; i < 32 && recvId < 0; i++) {
            int id = random.nextInt(1 << 16);
            if (!table.containsKey(new Key(remote, id))) recvId = id;
        }
        if (recvId < 0) {
            promise.tryFailure(new BindException("no free uTP connection id: cannot assign requested address"));
            return;
        }
        UtpConnection c = UtpConnection.dial(this, channel, remote, recvId, timeoutMillis, promise, random.nextInt(1 << 16));
        channel.attach(c);
        table.put(new Key(remote, recvId), c);
    }

    void send(InetSocketAddress remote, UtpPacket p) {
        counters.packetOut();
        if (log.isTraceEnabled()) log.trace("out {} {}", remote.getPort(), p);
        udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(UtpCodec.encode(p)), remote), udp.voidPromise());
    }

    void remove(UtpConnection c) {
        if (table.remove(new Key(c.remote(), c.recvId), c) && c.isIncoming()) {
            acceptedPerAddress.computeIfPresent(c.remote().getAddress(), (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (UtpConnection c : new ArrayList<>(table.values())) c.tick(now);
    }

    private void onDatagram(InetSocketAddress from, byte[] data) {
        counters.packetIn();
        UtpPacket p;
        try {
            p = UtpCodec.decode(data, 0, data.length, config.limits());
        } catch (UtpException e) {
            counters.reject(UtpCounters.Rejection.MALFORMED);
            return;
        }
        if (log.isTraceEnabled()) log.trace("in  {} {}", from.getPort(), p);
        if (p.type() == UtpType.SYN) {
            onSyn(from, p);
            return;
        }
        UtpConnection c = table.get(new Key(from, p.connectionId()));
        if (c != null) {
            c.onPacket(p);
            return;
        }
        // no answer: a stray packet's id alone does not say which id the sender expects back (it may be one above or
        // one below), and silence amplifies nothing
        counters.reject(UtpCounters.Rejection.UNKNOWN_CONNECTION);
    }

    private void onSyn(InetSocketAddress from, UtpPacket syn) {
        int recvId = (syn.connectionId() + 1) & UtpPacket.SEQ_MASK;
        UtpConnection existing = table.get(new Key(from, recvId));
        if (existing != null) {
            existing.onRepeatedSyn(syn);
            return;
        }
        ChannelHandler init = acceptor;
        Function<InetSocketAddress, ?> vouch = expected;
        if (init == null && vouch == null) {
            counters.reject(UtpCounters.Rejection.SYN_NOT_LISTENING);
            return;
        }
        // no answer beyond the ceilings: a flood of SYNs costs a counter increment each
        if (table.size() >= config.maxConnections()
                || acceptedPerAddress.getOrDefault(from.getAddress(), 0) >= config.maxPerAddress()) {
            counters.reject(UtpCounters.Rejection.SYN_OVER_LIMIT);
            return;
        }
        Object introduction = vouch == null ? null : vouch.apply(from);
        boolean introduced = introduction != null;
        if (introduced) {
            init = expectedAcceptor;
        } else if (init == null) {
            counters.reject(UtpCounters.Rejection.SYN_NOT_LISTENING);
            return;
        }
        UtpConnection c = UtpConnection.accept(this, from, syn, random.nextInt(1 << 16));
        table.put(new Key(from, recvId), c);
        acceptedPerAddress.merge(from.getAddress(), 1, Integer::sum);
        counters.acceptedOne();
        UtpChannel ch = new UtpChannel(this, c);
        if (introduced) ch.markHolepunched(introduction);
        c.bind(ch);
        ch.pipeline().addLast(init);
        loop.register(ch);
    }

    @Override
    public void close() {
        ticker.cancel(false);
        if (!group.isShuttingDown()) {
            loop.submit(() -> {
                List<UtpConnection> all = new ArrayList<>(table.values());
                for (UtpConnection c : all) c.abort();
                table.clear();
            }).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            onDatagram(packet.sender(), ByteBufUtil.getBytes(packet.content()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors of one peer (port unreachable) must not end the socket shared by all
        }
    }
}
