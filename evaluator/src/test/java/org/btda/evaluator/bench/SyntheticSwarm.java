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

/**
 * A synthetic swarm of many peers as one process: a single wildcard listener; each accepted connection behaves as the
 * peer whose address was dialled (see {@link SwarmMix}). The addresses live on the lo of the benchmark's network
 * namespace ({@code scripts/bench-evaluator.sh}). Runs for a bounded time.
 *
 * <p>Usage: {@code SyntheticSwarm [seconds=180] [port=6881] [threads=2]}
 */
public final class SyntheticSwarm implements AutoCloseable {

    final LongAdder accepted = new LongAdder();
    private static final byte[] REQ2 = MseKeys.req2(SwarmMix.INFO_HASH);
    private static final MseCounters MSE = new MseCounters(1_000_000);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final EventLoopGroup group;
    private final Channel server;

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
                        int peer = SwarmMix.peerOf(ch.localAddress().getAddress());
                        // peers answer MSE/PE as well as plaintext, as most real clients do
                        ch.pipeline().addLast(new MseDetector(() -> new MseHandshakeHandler(MseHandshake.responder(
                                r -> Arrays.equals(r, REQ2) ? SwarmMix.INFO_HASH : null,
                                EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, RANDOM), MSE)));
                        ch.pipeline().addLast(new SwarmPeerHandler(peer));
                    }
                })
                .bind(listen).sync().channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 180;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : SwarmMix.LISTEN_PORT;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        InetSocketAddress any = new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[4]), port); // IPv4 wildcard
        try (SyntheticSwarm swarm = new SyntheticSwarm(any, threads)) {
            System.out.println("swarm listening on " + swarm.localAddress() + " for " + seconds + " s");
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
