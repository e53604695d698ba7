package org.btda.harvester.dht;

import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcMessage;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.metainfo.InfoHash;

/**
 * Benchmark (a main program, not a test; loopback only, bounded in count and time):
 * <ol>
 * <li>KRPC messages handled per second by one node: a load generator thread keeps a window of get_peers/find_node
 * queries in flight over UDP and counts answers;</li>
 * <li>lookups per second: 1,000 iterative get_peers lookups against a private DHT of 100 btda nodes.</li>
 * </ol>
 */
public final class DhtBenchmark {
    private static final int QUERIES = 300_000;
    private static final long MAX_SECONDS = 30;
    private static final int WINDOW = 512;

    private DhtBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        List<DhtNode> net = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            DhtConfig base = new DhtConfig(new InetSocketAddress("127.70.0.1", 0), List.of(), 100_000,
                    Duration.ofSeconds(2), 4, null, Duration.ofMinutes(10));
            net.add(DhtNode.start(base, group));
            InetSocketAddress seed = net.get(0).localAddress();
            for (int i = 1; i < nodes; i++) {
                InetSocketAddress bind = new InetSocketAddress("127." + (71 + i % 4) + "." + (i / 250) + "."
                        + (1 + i % 250), 0);
                net.add(DhtNode.start(new DhtConfig(bind, List.of(seed), 100_000, Duration.ofSeconds(2), 4, null,
                        Duration.ofMinutes(10)), group));
            }
            for (DhtNode n : net) {
                n.bootstrap().get(30, TimeUnit.SECONDS);
            }
            double avgTable = net.stream().mapToInt(DhtNode::routingTableSize).average().orElse(0);
            System.out.printf("private DHT: %d btda nodes up in %.1f s, mean routing table %.1f nodes%n", nodes,
                    (System.nanoTime() - t0) / 1e9, avgTable);

            krpcThroughput(net.get(0).localAddress(), net.get(0));
            lookupRate(net, lookups);
        } finally {
            net.forEach(DhtNode::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void krpcThroughput(InetSocketAddress target, DhtNode node) throws Exception {
        NodeId me = NodeId.random();
        byte[][] packets = new byte[256][];
        for (int i = 0; i < packets.length; i++) {
            byte[] tid = {(byte) i};
            packets[i] = Krpc.encode(i % 2 == 0
                    ? new KrpcMessage.Query(tid, "get_peers", me, Krpc.withId(me).put("info_hash",
                            NodeId.random().bytes()), true)
                    : new KrpcMessage.Query(tid, "find_node", me, Krpc.withId(me).put("target",
                            NodeId.random().bytes()), true));
        }
        long before = node.counters().queriesReceived();
        AtomicLong received = new AtomicLong();
        Semaphore window = new Semaphore(WINDOW);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.69.0.1", 0));
            ch.connect(target);
            Thread receiver = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(Krpc.MAX_PACKET);
                try {
                    while (received.get() < QUERIES) {
                        buf.clear();
                        ch.read(buf);
                        received.incrementAndGet();
                        window.release();
                    }
                } catch (Exception e) {
                    // channel closed at the end of the run
                }
            }, "krpc-bench-receiver");
            receiver.start();
            long start = System.nanoTime();
            int sent = 0;
            while (sent < QUERIES && System.nanoTime() < deadline) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    window.release(WINDOW); // lost datagrams: refill the window instead of stalling
                    continue;
                }
                ch.write(ByteBuffer.wrap(packets[sent & 255]));
                sent++;
            }
            while (received.get() < sent - WINDOW && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ch.close();
            receiver.join(1000);
            long handled = node.counters().queriesReceived() - before;
            System.out.printf("KRPC: %d queries sent, %d answers received, %d handled by the node in %.2f s: "
                    + "%.0f messages/s handled, %.0f answers/s%n", sent, received.get(), handled, seconds,
                    handled / seconds, received.get() / seconds);
        }
    }

    private static void lookupRate(List<DhtNode> net, int lookups) throws Exception {
        // a few torrents with peers so lookups also gather values
        for (int i = 0; i < 10; i++) {
            net.get(1 + i).announce(InfoHash.sha1(("bench" + i).getBytes()), 10_000 + i).get(30, TimeUnit.SECONDS);
        }
        DhtNode client = net.get(net.size() - 1);
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<LookupResult>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            inFlight.acquire();
            CompletableFuture<LookupResult> f = client.lookup(InfoHash.sha1(("bench" + (i % 100)).getBytes()));
            f.whenComplete((r, e) -> inFlight.release());
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        double queried = all.stream().mapToInt(f -> f.join().nodesQueried()).average().orElse(0);
        long withPeers = all.stream().filter(f -> !f.join().peers().isEmpty()).count();
        System.out.printf("lookups: %d get_peers lookups over %d nodes in %.2f s: %.0f lookups/s, "
                + "%.1f queries per lookup, %d found peers (expected %d), timeouts %d%n", lookups, net.size(),
                seconds, lookups / seconds, queried, withPeers, lookups / 10, client.counters().timeouts());
    }
}
