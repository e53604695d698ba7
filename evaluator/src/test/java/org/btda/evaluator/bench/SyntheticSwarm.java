package org.btda.evaluator.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import java.util.Arrays;
import java.util.EnumSet;
import org.btda.protocol.mse.MseCounters;
import org.btda.protocol.mse.MseDetector;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseHandshake;
import org.btda.protocol.mse.MseHandshakeHandler;
import org.btda.protocol.mse.MseKeys;
import org.btda.protocol.mse.MseLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.btda.evaluator.contact.Transports;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.evaluator.utp.UtpSocketConfig;

/**
 * A synthetic swarm of many peers as one process: a single wildcard listener; each accepted connection behaves as the
 * peer whose address was dialled (see {@link SwarmMix}). The addresses live on the lo of the benchmark's network
 * namespace ({@code scripts/bench-evaluator.sh}). Runs for a bounded time.
 *
 * <p>Usage: {@code SyntheticSwarm [seconds=180] [port=6881] [threads=2] [tcp|utp]} ({@code utp}: uTP on the same port too)
 */
public final class SyntheticSwarm implements AutoCloseable {

    final LongAdder accepted = new LongAdder();
    private static final byte[] REQ2 = MseKeys.req2(SwarmMix.INFO_HASH);
    private static final MseCounters MSE = new MseCounters(1_000_000);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final EventLoopGroup group;
    private final Channel server;
    /** The uTP side of the same port, or null: one wildcard UDP socket serves every peer address (see {@link #withUtp}). */
    private UtpSocket utp;

    public SyntheticSwarm(InetSocketAddress listen, int threads) throws InterruptedException {
        // one group accepts and serves: accepting then never outruns serving, so a busy swarm leaves connections in
        // the kernel's backlog instead of holding thousands of accepted file descriptors it has not got to yet
        group = new MultiThreadIoEventLoopGroup(threads, Transports.ioHandlerFactory());
        server = new ServerBootstrap().group(group).channel(Transports.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 16_384)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.increment();
                        servePeer(ch, SwarmMix.peerOf(ch.localAddress().getAddress()));
                    }
                })
                .bind(listen).sync().channel();
    }

    private static void servePeer(Channel ch, int peer) {
        // peers answer MSE/PE as well as plaintext, as most real clients do
        ch.pipeline().addLast(new MseDetector(() -> new MseHandshakeHandler(MseHandshake.responder(
                r -> Arrays.equals(r, REQ2) ? SwarmMix.INFO_HASH : null,
                EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, RANDOM), MSE)));
        ch.pipeline().addLast(new SwarmPeerHandler(peer));
    }

    /**
     * Serves uTP on the listen port too. An unconnected UDP socket answers from the address the datagram was sent to
     * because every peer address is a local route on lo (Linux then takes the destination as the source), so one
     * socket stands for all peers; the peer is the connection's remote address, which on lo is the dialled one.
     */
    public SyntheticSwarm withUtp(InetSocketAddress listen, int maxConnections) {
        utp = new UtpSocket(listen, UtpSocketConfig.DEFAULT.withMaxConnections(maxConnections, 64));
        utp.acceptWith(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                accepted.increment();
                servePeer(ch, SwarmMix.peerOf(((InetSocketAddress) ch.remoteAddress()).getAddress()));
            }
        });
        return this;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        if (utp != null) utp.close();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 180;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : SwarmMix.LISTEN_PORT;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean utp = args.length > 3 && args[3].equals("utp");
        InetSocketAddress any = new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[4]), port); // IPv4 wildcard
        try (SyntheticSwarm swarm = new SyntheticSwarm(any, threads)) {
            if (utp) swarm.withUtp(any, 30_000);
            System.out.println("swarm listening on " + swarm.localAddress() + (utp ? " (TCP and uTP)" : "") + " for " + seconds + " s");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long last = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(10_000);
                long now = swarm.accepted.sum();
                System.out.printf("swarm: accepted %d (+%d/10s), cpu %d s%n", now, now - last,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                                ? os.getProcessCpuTime() / 1_000_000_000L : -1);
                last = now;
            }
        }
    }
}
