package org.btda.evaluator.utp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two uTP sockets on loopback talking through {@link UtpChannel}s, as the peer-wire pipeline will. */
class UtpSocketTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private UtpSocket server;
    private UtpSocket client;

    @AfterEach
    void close() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    /** Echoes everything; collects what arrived and completes when the peer ends the stream. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> ended = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = ByteBufUtil.getBytes(b);
            b.release();
            got.writeBytes(bytes);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended.complete(got.toByteArray());
        }
    }

    /** Collects what arrives; sends {@code payload} once active, then closes after {@code expect} bytes came back. */
    private static final class Sender extends ChannelInboundHandlerAdapter {
        final byte[] payload;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> echoed = new CompletableFuture<>();

        Sender(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
            if (got.size() >= payload.length) {
                echoed.complete(got.toByteArray());
                ctx.close();
            }
        }
    }

    @Test
    void theTableHoldsTheSessionsInFlightAndTheirClosingEntries() {
        assertThat(UtpSocketConfig.DEFAULT.forSessions(100).maxConnections()).as("never below the default")
                .isEqualTo(UtpSocketConfig.DEFAULT.maxConnections());
        assertThat(UtpSocketConfig.DEFAULT.forSessions(14_000).maxConnections()).isEqualTo(28_000);
        assertThat(UtpSocketConfig.DEFAULT.forSessions(14_000).maxPerAddress()).isEqualTo(UtpSocketConfig.DEFAULT.maxPerAddress());
    }

    @Test
    void echoesAStreamLargerThanTheWindowAndClosesWithFin() throws Exception {
        server = new UtpSocket(ANY_LOOPBACK, UtpSocketConfig.DEFAULT);
        client = new UtpSocket(ANY_LOOPBACK, UtpSocketConfig.DEFAULT);
        Echo echo = new Echo();
        server.acceptWith(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(echo);
            }
        });
        byte[] payload = new byte[300_000]; // 250 packets, several windows of 32 in flight
        new Random(29).nextBytes(payload);
        Sender sender = new Sender(payload);
        Channel ch = new Bootstrap().group(client.eventLoop()).channelFactory(client::newChannel)
                .handler(sender).connect(server.localAddress()).syncUninterruptibly().channel();
        assertThat(ch.isActive()).isTrue();
        assertThat(ch.remoteAddress()).isEqualTo(server.localAddress());

        assertThat(sender.echoed.get(30, TimeUnit.SECONDS)).isEqualTo(payload);
        // our close sent FIN: the accepting side sees the end of the stream with every byte
        assertThat(echo.ended.get(30, TimeUnit.SECONDS)).isEqualTo(payload);
        awaitCondition(() -> client.connections() == 0 && server.connections() == 0, Duration.ofSeconds(30));
        assertThat(server.counters().accepted()).isEqualTo(1);
        assertThat(client.counters().rejected(UtpCounters.Rejection.INVALID_ACK)).isZero();
    }

    @Test
    void aSocketThatDoesNotListenLetsTheConnectTimeOut() {
        server = new UtpSocket(ANY_LOOPBACK, UtpSocketConfig.DEFAULT);
        client = new UtpSocket(ANY_LOOPBACK, UtpSocketConfig.DEFAULT);
        var f = new Bootstrap().group(client.eventLoop()).channelFactory(client::newChannel)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 1500)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).awaitUninterruptibly();
        assertThat(f.isSuccess()).isFalse();
        assertThat(f.cause()).isInstanceOf(io.netty.channel.ConnectTimeoutException.class);
        assertThat(server.counters().rejected(UtpCounters.Rejection.SYN_NOT_LISTENING)).isPositive();
        assertThat(client.connections()).isZero();
    }

    static void awaitCondition(java.util.function.BooleanSupplier c, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within " + deadline);
            Thread.sleep(20);
        }
    }
}
