package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcMessage;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real btda nodes talking over UDP on distinct loopback addresses (several /24s of 127/8). */
class DhtNodeTest {
    private final List<DhtNode> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(DhtNode::close);
    }

    private static InetSocketAddress addr(int i) {
        return new InetSocketAddress("127." + (40 + i % 4) + ".0." + (1 + i), 0);
    }

    private DhtNode start(DhtConfig c) throws Exception {
        DhtNode n = DhtNode.start(c);
        nodes.add(n);
        return n;
    }

    /** A network of {@code count} nodes: node 0 seeds everyone, then every node bootstraps again to learn the rest. */
    private List<DhtNode> network(int count) throws Exception {
        DhtNode first = start(LoopbackDht.config(addr(0), List.of()));
        List<DhtNode> net = new ArrayList<>(List.of(first));
        for (int i = 1; i < count; i++) {
            net.add(start(LoopbackDht.config(addr(i), List.of(first.localAddress()))));
        }
        for (DhtNode n : net) {
            n.bootstrap().get(10, TimeUnit.SECONDS);
        }
        return net;
    }

    @Test
    void announcedPeerIsFoundByAnotherNode() throws Exception {
        List<DhtNode> net = network(12);
        assertThat(net.get(0).routingTableSize()).isGreaterThanOrEqualTo(8);
        InfoHash hash = InfoHash.sha1("btda dht test torrent".getBytes());

        DhtNode.AnnounceResult announced = net.get(3).announce(hash, 51413).get(10, TimeUnit.SECONDS);
        assertThat(announced.acknowledged()).isGreaterThanOrEqualTo(1);

        LookupResult found = net.get(11).lookup(hash).get(10, TimeUnit.SECONDS);
        InetSocketAddress expected = new InetSocketAddress(net.get(3).localAddress().getAddress(), 51413);
        assertThat(found.peers()).contains(expected);
        assertThat(found.nodesResponded()).isGreaterThan(0);
        assertThat(found.nodesQueried()).isGreaterThanOrEqualTo(found.nodesResponded());
        long stored = net.stream().mapToLong(n -> n.counters().announcesStored()).sum();
        assertThat(stored).isEqualTo(announced.acknowledged());
    }

    @Test
    void hostilePacketsAreCountedAndDropped() throws Exception {
        DhtNode node = start(LoopbackDht.config(addr(20), List.of()).withQueryTimeout(Duration.ofSeconds(5)));
        InetSocketAddress nodeAddr = node.localAddress();
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress("127.47.0.1", 0));
                DatagramSocket spoofer = new DatagramSocket(new InetSocketAddress("127.47.0.2", 0))) {
            target.setSoTimeout(5000);
            // garbage
            send(spoofer, "not bencode".getBytes(), nodeAddr);
            // a response nobody asked for
            NodeId fake = NodeId.random();
            send(spoofer, Krpc.encode(new KrpcMessage.Response(new byte[] {7, 7}, fake, Krpc.withId(fake))), nodeAddr);

            CompletableFuture<KrpcMessage.Response> ping = node.ping((InetSocketAddress) target.getLocalSocketAddress());
            DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
            target.receive(got);
            KrpcMessage.Query q = (KrpcMessage.Query) Krpc.decode(Arrays.copyOf(got.getData(), got.getLength()));
            assertThat(q.method()).isEqualTo("ping");
            assertThat(q.sender()).isEqualTo(node.id());
            byte[] reply = Krpc.encode(new KrpcMessage.Response(q.transactionId(), fake, Krpc.withId(fake)));
            // right transaction id, wrong address: spoofed
            send(spoofer, reply, nodeAddr);
            waitFor(() -> node.counters().spoofedResponse() == 1);
            assertThat(ping).isNotDone();
            send(target, reply, nodeAddr);
            assertThat(ping.get(5, TimeUnit.SECONDS).sender()).isEqualTo(fake);

            // announce_peer with a token that was never issued
            byte[] announce = Krpc.encode(new KrpcMessage.Query(new byte[] {1}, "announce_peer", fake,
                    Krpc.withId(fake).put("info_hash", NodeId.random().bytes()).put("port", 6881L)
                            .put("token", new byte[8]), false));
            send(target, announce, nodeAddr);
            target.receive(got);
            KrpcMessage err = Krpc.decode(Arrays.copyOf(got.getData(), got.getLength()));
            assertThat(err).isInstanceOf(KrpcMessage.Error.class);
            assertThat(((KrpcMessage.Error) err).code()).isEqualTo(Krpc.ERROR_PROTOCOL);
        }
        assertThat(node.counters().malformed()).isEqualTo(1);
        assertThat(node.counters().unknownTransaction()).isEqualTo(1);
        assertThat(node.counters().badToken()).isEqualTo(1);
        assertThat(node.counters().announcesStored()).isZero();
    }

    @Test
    void tokenFromGetPeersAllowsAnnounceOnlyFromSameAddress() throws Exception {
        DhtNode node = start(LoopbackDht.config(addr(21), List.of()));
        NodeId me = NodeId.random();
        byte[] hash = NodeId.random().bytes();
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.48.0.1", 0));
                DatagramSocket b = new DatagramSocket(new InetSocketAddress("127.48.0.2", 0))) {
            a.setSoTimeout(5000);
            b.setSoTimeout(5000);
            KrpcMessage r = roundTrip(a, node.localAddress(), new KrpcMessage.Query(new byte[] {1}, "get_peers", me,
                    Krpc.withId(me).put("info_hash", hash), false));
            byte[] token = Krpc.bytes(((KrpcMessage.Response) r).values(), "token");
            assertThat(token).isNotNull();
            KrpcMessage.Query announce = new KrpcMessage.Query(new byte[] {2}, "announce_peer", me,
                    Krpc.withId(me).put("info_hash", hash).put("port", 7000L).put("token", token), false);
            assertThat(roundTrip(b, node.localAddress(), announce)).isInstanceOf(KrpcMessage.Error.class);
            assertThat(roundTrip(a, node.localAddress(), announce)).isInstanceOf(KrpcMessage.Response.class);
            KrpcMessage.Response peers = (KrpcMessage.Response) roundTrip(b, node.localAddress(),
                    new KrpcMessage.Query(new byte[] {3}, "get_peers", NodeId.random(),
                            Krpc.withId(NodeId.random()).put("info_hash", hash), false));
            assertThat(Krpc.decodeValues(peers.values().get("values")))
                    .containsExactly(new InetSocketAddress("127.48.0.1", 7000));
        }
    }

    @Test
    void restartResumesFromSavedTableWithoutBootstrapNodes(@TempDir Path dir) throws Exception {
        List<DhtNode> net = network(10);
        Path state = dir.resolve(DhtConfig.STATE_FILE_NAME);
        DhtConfig cfg = LoopbackDht.config(addr(30), List.of(net.get(5).localAddress())).withStateFile(state);
        DhtNode first = start(cfg);
        first.bootstrap().get(10, TimeUnit.SECONDS);
        assertThat(first.routingTableSize()).isGreaterThanOrEqualTo(8);
        NodeId id = first.id();
        first.close();
        assertThat(Files.size(state)).isGreaterThan(26 * 8);

        // no bootstrap nodes this time: only the saved table can bring it back
        DhtNode second = start(new DhtConfig(cfg.bind(), List.of(), LoopbackDht.RATE, LoopbackDht.QUERY_TIMEOUT, 4, state,
                Duration.ofMinutes(1)));
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.bootstrap().get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(8);
        InfoHash hash = InfoHash.sha1("restart".getBytes());
        net.get(2).announce(hash, 6000).get(10, TimeUnit.SECONDS);
        assertThat(second.lookup(hash).get(10, TimeUnit.SECONDS).peers())
                .contains(new InetSocketAddress(net.get(2).localAddress().getAddress(), 6000));
    }

    @Test
    void rateLimitPacesQueries() throws Exception {
        List<DhtNode> net = network(3);
        DhtNode slow = start(LoopbackDht.config(addr(31), List.of(net.get(0).localAddress())).withRate(20));
        slow.bootstrap().get(10, TimeUnit.SECONDS);
        long before = slow.counters().queriesSent();
        long t0 = System.nanoTime();
        List<CompletableFuture<KrpcMessage.Response>> pings = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pings.add(slow.ping(net.get(i % 3).localAddress()));
        }
        CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(slow.counters().queriesSent() - before).isEqualTo(40);
        // 40 queries at 20/s with a burst of 2 cannot finish in much under 1.9 s
        assertThat(seconds).isGreaterThan(1.5);
    }

    private static KrpcMessage roundTrip(DatagramSocket s, InetSocketAddress to, KrpcMessage.Query q) throws Exception {
        send(s, Krpc.encode(q), to);
        DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
        s.receive(got);
        return Krpc.decode(Arrays.copyOf(got.getData(), got.getLength()));
    }

    private static void send(DatagramSocket s, byte[] data, InetSocketAddress to) throws Exception {
        s.send(new DatagramPacket(data, data.length, to));
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }
}
