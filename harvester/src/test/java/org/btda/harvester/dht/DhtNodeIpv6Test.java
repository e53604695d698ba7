package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcMessage;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 32 over real sockets: btda nodes on {@code ::1} (one address, distinct ports), IPv4 nodes on 127.x, and a
 * dual-stack node on the wildcard address that keeps one routing table per family.
 */
class DhtNodeIpv6Test {
    private static final InetAddress V6 = address("::1");
    private final List<DhtNode> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(DhtNode::close);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private DhtNode start(DhtConfig c) throws Exception {
        DhtNode n = DhtNode.start(c);
        nodes.add(n);
        return n;
    }

    private List<DhtNode> network(int count, boolean ipv6) throws Exception {
        InetSocketAddress firstBind = ipv6 ? new InetSocketAddress(V6, 0) : new InetSocketAddress("127.60.0.1", 0);
        DhtNode first = start(LoopbackDht.config(firstBind, List.of()));
        List<DhtNode> net = new ArrayList<>(List.of(first));
        for (int i = 1; i < count; i++) {
            InetSocketAddress bind = ipv6 ? new InetSocketAddress(V6, 0) : new InetSocketAddress("127.60.0." + (1 + i), 0);
            net.add(start(LoopbackDht.config(bind, List.of(first.localAddress()))));
        }
        for (DhtNode n : net) {
            n.bootstrap().get(10, TimeUnit.SECONDS);
        }
        return net;
    }

    @Test
    void ipv6NodesAnnounceAndFindPeersOverIpv6Only() throws Exception {
        List<DhtNode> net = network(10, true);
        DhtNode first = net.get(0);
        assertThat(first.routingTableSize(true)).isGreaterThanOrEqualTo(8);
        assertThat(first.routingTableSize(false)).as("an IPv6 socket keeps no IPv4 table").isZero();
        assertThat(first.routingTableNodes()).allMatch(n -> n.address().getAddress() instanceof Inet6Address);

        InfoHash hash = InfoHash.sha1("btda dht over ipv6".getBytes());
        DhtNode.AnnounceResult announced = net.get(3).announce(hash, 51413).get(10, TimeUnit.SECONDS);
        assertThat(announced.acknowledged()).isGreaterThanOrEqualTo(1);
        LookupResult found = net.get(9).lookup(hash).get(10, TimeUnit.SECONDS);
        assertThat(found.peers()).containsExactly(new InetSocketAddress(V6, 51413));
    }

    @Test
    void dualStackNodeKeepsOneTablePerFamilyAndFindsPeersOfBoth(@TempDir Path dir) throws Exception {
        List<DhtNode> v4 = network(9, false);
        List<DhtNode> v6 = network(9, true);
        Path state = dir.resolve(DhtConfig.STATE_FILE_NAME);
        // The wildcard address: the JDK opens a dual-stack socket, so this node serves both families.
        DhtConfig cfg = LoopbackDht.config(new InetSocketAddress(0),
                List.of(v4.get(0).localAddress(), v6.get(0).localAddress())).withStateFile(state);
        DhtNode dual = start(cfg);
        dual.bootstrap().get(10, TimeUnit.SECONDS);
        assertThat(dual.routingTableSize(false)).isGreaterThanOrEqualTo(8);
        assertThat(dual.routingTableSize(true)).isGreaterThanOrEqualTo(8);

        InfoHash hash = InfoHash.sha1("one torrent, two families".getBytes());
        v4.get(4).announce(hash, 6004).get(10, TimeUnit.SECONDS);
        v6.get(4).announce(hash, 6006).get(10, TimeUnit.SECONDS);
        LookupResult found = dual.lookup(hash).get(10, TimeUnit.SECONDS);
        assertThat(found.peers()).containsExactlyInAnyOrder(
                new InetSocketAddress(v4.get(4).localAddress().getAddress(), 6004), new InetSocketAddress(V6, 6006));
        assertThat(found.closest()).anyMatch(h -> h.node().address().getAddress() instanceof Inet4Address)
                .anyMatch(h -> h.node().address().getAddress() instanceof Inet6Address);

        // Its own announce reaches token holders of both families; each family's lookups find it over that family.
        DhtNode.AnnounceResult mine = dual.announce(hash, 7000).get(10, TimeUnit.SECONDS);
        assertThat(mine.acknowledged()).isGreaterThanOrEqualTo(2);
        assertThat(v6.get(8).lookup(hash).get(10, TimeUnit.SECONDS).peers()).contains(new InetSocketAddress(V6, 7000))
                .allMatch(p -> p.getAddress() instanceof Inet6Address);
        assertThat(v4.get(8).lookup(hash).get(10, TimeUnit.SECONDS).peers())
                .allMatch(p -> p.getAddress() instanceof Inet4Address);

        // Both tables survive a restart (nodes and nodes6 in the state file).
        int before = dual.routingTableSize();
        dual.close();
        DhtNode again = start(new DhtConfig(new InetSocketAddress(0), List.of(), LoopbackDht.RATE,
                LoopbackDht.QUERY_TIMEOUT, 4, state, Duration.ofMinutes(1)));
        assertThat(again.bootstrap().get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(Math.min(before, 16));
        assertThat(again.routingTableSize(true)).isGreaterThanOrEqualTo(8);
    }

    @Test
    void answersWithTheNodeListsAskedForByWant() throws Exception {
        List<DhtNode> v4 = network(4, false);
        List<DhtNode> v6 = network(4, true);
        DhtNode dual = start(LoopbackDht.config(new InetSocketAddress(0),
                List.of(v4.get(0).localAddress(), v6.get(0).localAddress())));
        dual.bootstrap().get(10, TimeUnit.SECONDS);
        InetSocketAddress to6 = new InetSocketAddress(V6, dual.localAddress().getPort());
        NodeId me = NodeId.random();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            s.setSoTimeout(5000);
            BDict plain = values(roundTrip(s, to6, findNode(me, null)));
            assertThat(plain.get("nodes")).as("over IPv6 without want: IPv6 nodes only").isNull();
            assertThat(Krpc.decodeNodes6(Krpc.bytes(plain, "nodes6"))).hasSizeGreaterThanOrEqualTo(4)
                    .allMatch(n -> n.address().getAddress() instanceof Inet6Address);

            BDict both = values(roundTrip(s, to6, findNode(me, List.of("n4", "n6"))));
            List<NodeInfo> n4 = Krpc.decodeNodes(Krpc.bytes(both, "nodes"));
            assertThat(n4).hasSizeGreaterThanOrEqualTo(4).allMatch(n -> n.address().getAddress() instanceof Inet4Address);
            assertThat(Krpc.decodeNodes6(Krpc.bytes(both, "nodes6"))).hasSizeGreaterThanOrEqualTo(4);

            // announce over IPv6, then get_peers over IPv6 and IPv4: each family sees only its own values
            byte[] hash = NodeId.random().bytes();
            KrpcMessage.Response r = (KrpcMessage.Response) roundTrip(s, to6, new KrpcMessage.Query(new byte[] {4},
                    "get_peers", me, Krpc.withId(me).put("info_hash", hash), false));
            byte[] token = Krpc.bytes(r.values(), "token");
            assertThat(roundTrip(s, to6, new KrpcMessage.Query(new byte[] {5}, "announce_peer", me,
                    Krpc.withId(me).put("info_hash", hash).put("port", 7006L).put("token", token), false)))
                    .isInstanceOf(KrpcMessage.Response.class);
            BDict peers6 = values(roundTrip(s, to6, new KrpcMessage.Query(new byte[] {6}, "get_peers", me,
                    Krpc.withId(me).put("info_hash", hash), false)));
            assertThat(Krpc.decodeValues(peers6.get("values"))).containsExactly(new InetSocketAddress(V6, 7006));
            try (DatagramSocket s4 = new DatagramSocket(new InetSocketAddress("127.60.1.1", 0))) {
                s4.setSoTimeout(5000);
                BDict peers4 = values(roundTrip(s4, new InetSocketAddress("127.0.0.1", to6.getPort()),
                        new KrpcMessage.Query(new byte[] {7}, "get_peers", me, Krpc.withId(me).put("info_hash", hash), false)));
                assertThat(peers4.get("values")).as("no IPv6 values for an IPv4 querier").isNull();
                assertThat(peers4.get("nodes")).isNotNull();
            }
        }
    }

    private static KrpcMessage.Query findNode(NodeId me, List<Object> want) {
        BDict args = Krpc.withId(me).put("target", NodeId.random().bytes());
        if (want != null) {
            args.put("want", want);
        }
        return new KrpcMessage.Query(new byte[] {1}, "find_node", me, args, false);
    }

    private static BDict values(KrpcMessage m) {
        assertThat(m).isInstanceOf(KrpcMessage.Response.class);
        return ((KrpcMessage.Response) m).values();
    }

    private static KrpcMessage roundTrip(DatagramSocket s, InetSocketAddress to, KrpcMessage.Query q) throws Exception {
        byte[] data = Krpc.encode(q);
        s.send(new DatagramPacket(data, data.length, to));
        DatagramPacket got = new DatagramPacket(new byte[4096], 4096);
        s.receive(got);
        return Krpc.decode(Arrays.copyOf(got.getData(), got.getLength()));
    }
}
