package org.btda.evaluator.utp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.evaluator.utp.UtpSocketTest.awaitCondition;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

import org.btda.protocol.utp.UtpCodec;
import org.btda.protocol.utp.UtpPacket;
import org.btda.protocol.utp.UtpType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken peers against the uTP socket, with hand-made datagrams: a SYN flood, sequence numbers outside
 * the receive window, acks for packets never sent, a lossy link and a peer that goes silent. Each ends in a counted
 * rejection or a bounded failure, never in unbounded state or a hang.
 */
class UtpHostileTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) c.close();
    }

    private UtpSocket socket(UtpSocketConfig cfg) {
        UtpSocket s = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), cfg);
        toClose.add(s);
        return s;
    }

    private DatagramSocket raw(String address) throws Exception {
        DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        d.setSoTimeout(5000);
        toClose.add(d);
        return d;
    }

    /** Collects what the accepted side receives. */
    private static final class Collect extends ChannelInitializer<Channel> {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    synchronized (got) {
                        got.writeBytes(ByteBufUtil.getBytes(b));
                    }
                    b.release();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            });
        }

        byte[] bytes() {
            synchronized (got) {
                return got.toByteArray();
            }
        }
    }

    private static void send(DatagramSocket d, InetSocketAddress to, UtpPacket p) throws Exception {
        byte[] b = UtpCodec.encode(p);
        d.send(new DatagramPacket(b, b.length, to));
    }

    private static UtpPacket receive(DatagramSocket d) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket dp = new DatagramPacket(buf, buf.length);
        d.receive(dp);
        return UtpCodec.decode(buf, 0, dp.getLength(), UtpSocketConfig.DEFAULT.limits());
    }

    @Test
    void synFloodIsCappedCountedAndExpiresWhileARealPeerStillGetsIn() throws Exception {
        UtpSocketConfig cfg = UtpSocketConfig.DEFAULT.withMaxConnections(64, 8).withHalfOpenTimeout(Duration.ofSeconds(1));
        UtpSocket server = socket(cfg);
        server.acceptWith(new Collect());
        Random random = new Random(55);
        int sent = 0;
        // 20 source addresses (all of 127/8 is loopback), 250 SYNs each, in batches the server is awaited on
        for (int a = 2; a < 22; a++) {
            DatagramSocket flood = raw("127.0.0." + a);
            for (int i = 0; i < 250; i++) {
                send(flood, server.localAddress(),
                        UtpPacket.control(UtpType.SYN, a * 1000 + i, 0, 0, 65536, random.nextInt(1 << 16), 0));
                sent++;
            }
            int expected = sent;
            awaitCondition(() -> server.counters().packetsIn() >= expected, Duration.ofSeconds(30));
            assertThat(server.connections()).isLessThanOrEqualTo(64);
        }
        assertThat(server.counters().packetsIn()).isEqualTo(sent);
        // every SYN is either a (bounded) connection or a counted refusal; half-open ones expiring during the flood
        // free their slots, so more than 64 may have been accepted over time, never more than 64 at once
        long accepted = server.counters().accepted();
        assertThat(accepted).isBetween(64L, 400L);
        assertThat(server.counters().rejected(UtpCounters.Rejection.SYN_OVER_LIMIT)).isEqualTo(sent - accepted);

        // none of them sent data: all are reset after the half-open timeout and the table empties
        awaitCondition(() -> server.connections() == 0, Duration.ofSeconds(30));
        assertThat(server.counters().rejected(UtpCounters.Rejection.HALF_OPEN_TIMEOUT)).isEqualTo(accepted);

        // and a real peer gets in afterwards
        UtpSocket client = socket(UtpSocketConfig.DEFAULT);
        Channel ch = new Bootstrap().group(client.eventLoop()).channelFactory(client::newChannel)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).syncUninterruptibly().channel();
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).syncUninterruptibly();
        awaitCondition(() -> server.counters().accepted() == accepted + 1, Duration.ofSeconds(10));
    }

    @Test
    void outOfWindowAndBogusAcksAreDroppedAndCountedWhileReorderingWorks() throws Exception {
        UtpSocket server = socket(UtpSocketConfig.DEFAULT);
        Collect collect = new Collect();
        server.acceptWith(collect);
        DatagramSocket peer = raw("127.0.0.1");
        InetSocketAddress to = server.localAddress();
        int cid = 1000;
        send(peer, to, UtpPacket.control(UtpType.SYN, cid, 0, 0, 65536, 100, 0));
        UtpPacket synAck = receive(peer);
        assertThat(synAck.type()).isEqualTo(UtpType.STATE);
        assertThat(synAck.connectionId()).isEqualTo(cid);
        assertThat(synAck.ackNr()).isEqualTo(100);
        int serverLast = (synAck.seqNr() - 1) & 0xffff;
        int send = cid + 1;

        // far beyond the 64-packet receive window, and behind it by half the sequence space
        send(peer, to, new UtpPacket(UtpType.DATA, send, 0, 0, 65536, 101 + 200, serverLast, null, "far".getBytes()));
        send(peer, to, new UtpPacket(UtpType.DATA, send, 0, 0, 65536, (101 + 40_000) & 0xffff, serverLast, null,
                "behind".getBytes()));
        // an ack for packets the server never sent
        send(peer, to, new UtpPacket(UtpType.DATA, send, 0, 0, 65536, 101, (serverLast + 500) & 0xffff, null,
                "bogus".getBytes()));
        awaitCondition(() -> server.counters().rejected(UtpCounters.Rejection.OUT_OF_WINDOW) >= 1
                && server.counters().rejected(UtpCounters.Rejection.INVALID_ACK) == 1, Duration.ofSeconds(10));

        // in window but out of order: 102 first is held and selectively acked, 101 then releases both in order
        send(peer, to, new UtpPacket(UtpType.DATA, send, 0, 0, 65536, 102, serverLast, null, "cd".getBytes()));
        UtpPacket sack = receive(peer);
        while (sack.selectiveAck() == null) sack = receive(peer); // skip acks of the dropped packets
        assertThat(sack.ackNr()).isEqualTo(100);
        assertThat(sack.selectivelyAcks(102)).isTrue();
        assertThat(collect.bytes()).isEmpty();
        send(peer, to, new UtpPacket(UtpType.DATA, send, 0, 0, 65536, 101, serverLast, null, "ab".getBytes()));
        awaitCondition(() -> collect.bytes().length == 4, Duration.ofSeconds(10));
        assertThat(new String(collect.bytes())).isEqualTo("abcd");
        // "behind" lies 40,000 before the window: a duplicate by its distance, re-acked, never delivered
        assertThat(server.counters().rejected(UtpCounters.Rejection.OUT_OF_WINDOW)).isEqualTo(1);
    }

    @Test
    void aLossyLinkIsRepairedByRetransmission() throws Exception {
        UtpSocketConfig fast = new UtpSocketConfig(64, 8, 1200, 32, 64, 64 * 1024, Duration.ofMillis(200),
                Duration.ofMillis(800), 8, Duration.ofSeconds(10), UtpSocketConfig.DEFAULT.limits());
        UtpSocket server = socket(fast);
        Collect collect = new Collect();
        server.acceptWith(collect);
        UtpSocket client = socket(fast);
        LossyRelay relay = new LossyRelay(server.localAddress(), 4);
        toClose.add(relay);
        byte[] payload = new byte[30_000];
        new Random(3).nextBytes(payload);
        Channel ch = new Bootstrap().group(client.eventLoop()).channelFactory(client::newChannel)
                .handler(new ChannelInboundHandlerAdapter()).connect(relay.address()).syncUninterruptibly().channel();
        ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
        awaitCondition(() -> collect.bytes().length == payload.length, Duration.ofSeconds(60));
        assertThat(collect.bytes()).isEqualTo(payload);
        assertThat(relay.dropped()).isPositive();
        assertThat(client.counters().retransmissions() + server.counters().retransmissions()).isPositive();
    }

    @Test
    void aPeerThatGoesSilentEndsTheConnectionAfterBoundedRetransmissions() throws Exception {
        UtpSocketConfig fast = new UtpSocketConfig(64, 8, 1200, 32, 64, 64 * 1024, Duration.ofMillis(100),
                Duration.ofMillis(400), 4, Duration.ofSeconds(10), UtpSocketConfig.DEFAULT.limits());
        UtpSocket server = socket(fast);
        server.acceptWith(new Collect());
        UtpSocket client = socket(fast);
        LossyRelay relay = new LossyRelay(server.localAddress(), Integer.MAX_VALUE);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(client.eventLoop()).channelFactory(client::newChannel)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        failed.complete(cause);
                    }
                }).connect(relay.address()).syncUninterruptibly().channel();
        relay.close(); // the path goes dead: no RESET, no FIN, nothing
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
        Throwable cause = failed.get(30, TimeUnit.SECONDS);
        assertThat(cause).hasMessageContaining("timed out");
        assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.counters().rejected(UtpCounters.Rejection.RETRANSMIT_LIMIT)).isEqualTo(1);
        assertThat(client.connections()).isZero();
    }

    /** A UDP relay between one client and {@code target} that drops every n-th datagram in each direction. */
    private static final class LossyRelay implements AutoCloseable {
        private final DatagramSocket front;
        private final DatagramSocket back;
        private final Thread[] threads = new Thread[2];
        private volatile InetSocketAddress client;
        private volatile int dropped;

        LossyRelay(InetSocketAddress target, int n) throws Exception {
            front = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            back = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            threads[0] = pump(front, back, n, () -> target, true);
            threads[1] = pump(back, front, n, () -> client, false);
        }

        private Thread pump(DatagramSocket from, DatagramSocket to, int n,
                            java.util.function.Supplier<InetSocketAddress> dest, boolean learnClient) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65536];
                int count = 0;
                while (!from.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        from.receive(p);
                        if (learnClient) client = (InetSocketAddress) p.getSocketAddress();
                        if (++count % n == 0) {
                            dropped++;
                            continue;
                        }
                        InetSocketAddress d = dest.get();
                        if (d != null) to.send(new DatagramPacket(buf, p.getLength(), d));
                    } catch (SocketTimeoutException e) {
                        // keep going
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "lossy-relay");
            t.setDaemon(true);
            t.start();
            return t;
        }

        InetSocketAddress address() {
            return (InetSocketAddress) front.getLocalSocketAddress();
        }

        int dropped() {
            return dropped;
        }

        @Override
        public void close() throws Exception {
            front.close();
            back.close();
            for (Thread t : threads) t.join(5000);
        }
    }
}
