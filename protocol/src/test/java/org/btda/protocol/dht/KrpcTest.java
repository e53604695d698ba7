package org.btda.protocol.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.junit.jupiter.api.Test;

class KrpcTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String ID = "abcdefghij0123456789";

    @Test
    void decodesBep5PingQueryExample() throws Exception {
        KrpcMessage m = Krpc.decode(b("d1:ad2:id20:" + ID + "e1:q4:ping1:t2:aa1:y1:qe"));
        assertThat(m).isInstanceOf(KrpcMessage.Query.class);
        KrpcMessage.Query q = (KrpcMessage.Query) m;
        assertThat(q.method()).isEqualTo("ping");
        assertThat(q.sender()).isEqualTo(NodeId.of(b(ID)));
        assertThat(q.transactionId()).isEqualTo(b("aa"));
        assertThat(q.readOnly()).isFalse();
    }

    @Test
    void decodesResponseAndError() throws Exception {
        KrpcMessage r = Krpc.decode(b("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re"));
        assertThat(((KrpcMessage.Response) r).sender().bytes()).isEqualTo(b("mnopqrstuvwxyz123456"));
        KrpcMessage e = Krpc.decode(b("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
        assertThat(e).isEqualTo(new KrpcMessage.Error(b("aa"), 201, "A Generic Error Ocurred"));
    }

    @Test
    void roundTripsAllKinds() throws Exception {
        NodeId id = NodeId.random();
        KrpcMessage.Query q = new KrpcMessage.Query(b("xy"), "get_peers", id,
                Krpc.withId(id).put("info_hash", NodeId.random().bytes()), true);
        assertThat(Krpc.decode(Krpc.encode(q))).isEqualTo(q);
        KrpcMessage.Response r = new KrpcMessage.Response(b("xy"), id, Krpc.withId(id).put("token", b("tok")));
        assertThat(Krpc.decode(Krpc.encode(r))).isEqualTo(r);
        KrpcMessage.Error e = new KrpcMessage.Error(b("xy"), 204, "Method Unknown");
        assertThat(Krpc.decode(Krpc.encode(e))).isEqualTo(e);
    }

    @Test
    void rejectsMalformedMessages() {
        assertThatThrownBy(() -> Krpc.decode(b("le"))).isInstanceOf(KrpcException.class).hasMessageContaining("dictionary");
        assertThatThrownBy(() -> Krpc.decode(b("d1:y1:qe"))).isInstanceOf(KrpcException.class).hasMessageContaining("transaction");
        assertThatThrownBy(() -> Krpc.decode(b("d1:t2:aa1:y1:xe"))).isInstanceOf(KrpcException.class).hasMessageContaining("y=x");
        assertThatThrownBy(() -> Krpc.decode(b("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe")))
                .isInstanceOf(KrpcException.class).hasMessageContaining("20-byte");
        assertThatThrownBy(() -> Krpc.decode(b("d1:t2:aa1:y1:qe"))).isInstanceOf(KrpcException.class);
        assertThatThrownBy(() -> Krpc.decode(b("d1:t2:aa1:y1:r"))).isInstanceOf(KrpcException.class).hasMessageContaining("bencode");
    }

    @Test
    void enforcesDepthAndSizeLimits() {
        String deep = "d1:rd2:id20:" + ID + "1:x" + "l".repeat(10) + "e".repeat(10) + "e1:t2:aa1:y1:re";
        assertThatThrownBy(() -> Krpc.decode(b(deep))).isInstanceOf(KrpcException.class).hasMessageContaining("nesting");
        byte[] big = new byte[Krpc.MAX_PACKET + 1];
        assertThatThrownBy(() -> Krpc.decode(big)).isInstanceOf(KrpcException.class).hasMessageContaining("exceeds");
        String huge = "d1:t2:aa1:y1:r1:r99999999:";
        assertThatThrownBy(() -> Krpc.decode(b(huge))).isInstanceOf(KrpcException.class);
    }

    @Test
    void compactNodesAndPeersRoundTrip() throws Exception {
        NodeInfo n1 = new NodeInfo(NodeId.random(), new InetSocketAddress(InetAddress.getByName("127.1.2.3"), 6881));
        NodeInfo n2 = new NodeInfo(NodeId.random(), new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 65535));
        byte[] compact = Krpc.encodeNodes(List.of(n1, n2));
        assertThat(compact).hasSize(52);
        assertThat(Krpc.decodeNodes(compact)).containsExactly(n1, n2);
        assertThatThrownBy(() -> Krpc.decodeNodes(new byte[27])).isInstanceOf(KrpcException.class);

        InetSocketAddress p = new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 51413);
        BDict d = new BDict().put("values", List.of(Krpc.compactPeer(p), new byte[5], new byte[6]));
        // the 5-byte entry is junk, the all-zero one has port 0: both skipped
        assertThat(Krpc.decodeValues(d.get("values"))).containsExactly(p);
        assertThatThrownBy(() -> Krpc.decodeValues(d.get("nothing-here") == null ? 5L : null))
                .isInstanceOf(KrpcException.class);
    }

    @Test
    void ipv6NodesAndPeersRoundTripInTheirOwnLists() throws Exception {
        NodeInfo v4 = new NodeInfo(NodeId.random(), new InetSocketAddress(InetAddress.getByName("127.1.2.3"), 6881));
        NodeInfo v6 = new NodeInfo(NodeId.random(), new InetSocketAddress(InetAddress.getByName("fd00:198:18::7"), 6882));
        byte[] nodes6 = Krpc.encodeNodes6(List.of(v4, v6));
        assertThat(nodes6).hasSize(Krpc.COMPACT_NODE6);
        assertThat(Krpc.decodeNodes6(nodes6)).containsExactly(v6);
        assertThat(Krpc.encodeNodes(List.of(v4, v6))).hasSize(Krpc.COMPACT_NODE);
        assertThatThrownBy(() -> Krpc.decodeNodes6(new byte[Krpc.COMPACT_NODE])).isInstanceOf(KrpcException.class);
        assertThat(Krpc.decodeNodes6(new byte[Krpc.COMPACT_NODE6])).as("port 0 is undialable").isEmpty();

        InetSocketAddress p6 = new InetSocketAddress(InetAddress.getByName("::1"), 51413);
        InetSocketAddress p4 = new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 51413);
        assertThat(Krpc.compactPeer(p6)).hasSize(18);
        BDict d = new BDict().put("values", List.of(Krpc.compactPeer(p6), Krpc.compactPeer(p4), new byte[17]));
        assertThat(Krpc.decodeValues(d.get("values"))).containsExactly(p6, p4);
    }

    @Test
    void wantDefaultsToTheFamilyTheQueryCameOver() throws Exception {
        InetSocketAddress over4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1);
        InetSocketAddress over6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        assertThat(Krpc.Want.of(new BDict(), over4)).isEqualTo(new Krpc.Want(true, false));
        assertThat(Krpc.Want.of(new BDict(), over6)).isEqualTo(new Krpc.Want(false, true));
        assertThat(Krpc.Want.of(new BDict().put("want", List.of("n4", "n6", "x9")), over4)).isEqualTo(new Krpc.Want(true, true));
        assertThat(Krpc.Want.of(new BDict().put("want", List.of("n6")), over4)).isEqualTo(new Krpc.Want(false, true));
        assertThat(Krpc.Want.of(new BDict().put("want", "n6"), over4)).as("not a list: ignored").isEqualTo(new Krpc.Want(true, false));
        assertThat(new Krpc.Want(true, true).asList()).containsExactly("n4", "n6");
    }
}
