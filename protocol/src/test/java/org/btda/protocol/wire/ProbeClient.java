package org.btda.protocol.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Bootstrap for probe connections; one event loop thread serves all of them. */
final class ProbeClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final WireCounters counters = new WireCounters();

    CompletableFuture<ProbeResult> probe(InetSocketAddress peer, Handshake ours, int totalPieces, Duration quiet) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ProbeInitializer(ours, false, totalPieces, quiet, counters, result))
                .connect(peer);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /**
     * Listens on 127.0.0.1 (ephemeral port) for one incoming peer; the returned server channel is bound. The first
     * accepted connection completes {@code result}; the caller closes the server.
     */
    Channel listen(Handshake ours, int totalPieces, Duration quiet, CompletableFuture<ProbeResult> result) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ProbeInitializer(ours, true, totalPieces, quiet, counters, result))
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** As {@link #listen}, accepting MSE/PE as well as plaintext (the MSE detector in front of the codec). */
    Channel listenAcceptingMse(Handshake ours, int totalPieces, Duration quiet, CompletableFuture<ProbeResult> result) {
        byte[] req2 = org.btda.protocol.mse.MseKeys.req2(ours.infoHash());
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ProbeInitializer(ours, true, totalPieces, quiet, counters, result,
                        r -> java.util.Arrays.equals(r, req2) ? ours.infoHash() : null))
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    WireCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
