package org.btda.protocol.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated datagrams through the KRPC codec (BEP 5). Decoding either returns a message or
 * throws {@link KrpcException}: any other exception fails the test with its input. What decodes re-encodes to bytes
 * that decode to an equal message, and the compact {@code nodes} / {@code nodes6} / {@code values} and the BEP 32
 * {@code want} it carries round-trip too.
 */
class KrpcFuzzTest {
    private static final int INPUTS = 100_000;
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 6881);

    private static List<byte[]> seeds() {
        NodeId id = NodeId.random(new Random(1));
        byte[] nodes = new byte[26 * 8];
        new Random(2).nextBytes(nodes);
        List<byte[]> out = new ArrayList<>();
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "ping", id, Krpc.withId(id), false)));
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "get_peers", id,
                Krpc.withId(id).put("info_hash", id.bytes()), true)));
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "announce_peer", id,
                Krpc.withId(id).put("info_hash", id.bytes()).put("port", 6881L).put("token", new byte[8]), false)));
        out.add(Krpc.encode(new KrpcMessage.Response(new byte[] {9}, id, Krpc.withId(id)
                .put("nodes", nodes).put("values", List.of(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1},
                        new byte[] {10, 0, 0, 2, 0, 80})).put("token", "tk"))));
        byte[] nodes6 = new byte[38 * 4];
        new Random(3).nextBytes(nodes6);
        byte[] peer6 = new byte[18];
        new Random(4).nextBytes(peer6);
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 3}, "find_node", id,
                Krpc.withId(id).put("target", id.bytes()).put("want", List.of("n4", "n6")), false)));
        out.add(Krpc.encode(new KrpcMessage.Response(new byte[] {8}, id, Krpc.withId(id)
                .put("nodes6", nodes6).put("values", List.of(peer6)).put("token", "tk"))));
        out.add(Krpc.encode(new KrpcMessage.Error(new byte[] {3}, 201, "generic")));
        return out;
    }

    @Test
    void onlyKrpcExceptionEscapesAndWhatDecodesRoundTrips() {
        int[] decoded = {0};
        int[] withNodes = {0};
        int[] withNodes6 = {0};
        Fuzz.run(0xD47L, INPUTS, seeds(), 200, input -> {
            KrpcMessage m;
            try {
                m = Krpc.decode(input);
            } catch (KrpcException rejected) {
                return;
            }
            decoded[0]++;
            assertThat(m.transactionId()).isNotNull();
            try {
                assertThat(Krpc.decode(Krpc.encode(m))).isEqualTo(m);
            } catch (KrpcException e) {
                throw new AssertionError("re-encoded message does not decode: " + m, e);
            }
            if (m instanceof KrpcMessage.Response r) {
                compactFieldsRoundTrip(r.values());
                withNodes[0] += Krpc.bytes(r.values(), "nodes") != null ? 1 : 0;
                withNodes6[0] += Krpc.bytes(r.values(), "nodes6") != null ? 1 : 0;
            } else if (m instanceof KrpcMessage.Query q) {
                Krpc.Want want = Krpc.Want.of(q.args(), FROM);
                assertThat(Krpc.Want.of(Krpc.withId(q.sender()).put("want", want.asList()), FROM)).isEqualTo(want);
            }
        });
        // the mutations are mild enough that plenty still decode, so the round-trip checks do run
        assertThat(decoded[0]).isGreaterThan(INPUTS / 20);
        assertThat(withNodes[0]).isPositive();
        assertThat(withNodes6[0]).isPositive();
    }

    private static void compactFieldsRoundTrip(BDict values) {
        byte[] nodes6 = Krpc.bytes(values, "nodes6");
        if (nodes6 != null) {
            try {
                List<NodeInfo> decoded = Krpc.decodeNodes6(nodes6);
                assertThat(decoded.size()).isLessThanOrEqualTo(nodes6.length / Krpc.COMPACT_NODE6);
                assertThat(Krpc.decodeNodes6(Krpc.encodeNodes6(decoded))).isEqualTo(decoded);
            } catch (KrpcException partialEntry) {
                assertThat(nodes6.length % Krpc.COMPACT_NODE6).isNotZero();
            }
        }
        byte[] nodes = Krpc.bytes(values, "nodes");
        if (nodes != null) {
            try {
                List<NodeInfo> decoded = Krpc.decodeNodes(nodes);
                assertThat(decoded.size()).isLessThanOrEqualTo(nodes.length / Krpc.COMPACT_NODE);
                assertThat(Krpc.decodeNodes(Krpc.encodeNodes(decoded))).isEqualTo(decoded);
            } catch (KrpcException partialEntry) {
                assertThat(nodes.length % Krpc.COMPACT_NODE).isNotZero();
            }
        }
        try {
            List<InetSocketAddress> peers = Krpc.decodeValues(values.get("values"));
            for (InetSocketAddress p : peers) {
                assertThat(Krpc.decodeValues(List.of(BString.of(Krpc.compactPeer(p))))).containsExactly(p);
            }
        } catch (KrpcException notAList) {
            assertThat(values.get("values")).isNotInstanceOf(List.class);
        }
    }
}
