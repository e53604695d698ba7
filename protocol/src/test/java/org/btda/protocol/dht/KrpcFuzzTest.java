package org.btda.protocol.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 100,000 random and mutated datagrams (seeded, so a failure reproduces): decode either returns a message or throws
 * {@link KrpcException}; nothing else escapes, and the whole run is bounded by the small packet limit.
 */
class KrpcFuzzTest {
    private static final int INPUTS = 100_000;

    private static List<byte[]> seeds() {
        NodeId id = NodeId.random(new Random(1));
        List<byte[]> out = new ArrayList<>();
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "ping", id, Krpc.withId(id), false)));
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "get_peers", id,
                Krpc.withId(id).put("info_hash", id.bytes()), true)));
        out.add(Krpc.encode(new KrpcMessage.Query(new byte[] {1, 2}, "announce_peer", id,
                Krpc.withId(id).put("info_hash", id.bytes()).put("port", 6881L).put("token", new byte[8]), false)));
        out.add(Krpc.encode(new KrpcMessage.Response(new byte[] {9}, id, Krpc.withId(id)
                .put("nodes", new byte[26 * 8]).put("values", List.of(new byte[6], new byte[6])).put("token", "tk"))));
        out.add(Krpc.encode(new KrpcMessage.Error(new byte[] {3}, 201, "generic")));
        return out;
    }

    @Test
    void decodeOnlyThrowsKrpcException() {
        Random random = new Random(0xD47L);
        List<byte[]> seeds = seeds();
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                KrpcMessage m = Krpc.decode(input);
                assertThat(m.transactionId()).isNotNull();
                // a message that decodes must re-encode and decode to the same value
                assertThat(Krpc.decode(Krpc.encode(m))).isEqualTo(m);
                decoded++;
            } catch (KrpcException e) {
                rejected++;
            }
        }
        assertThat(decoded + rejected).isEqualTo(INPUTS);
        // the mutations are mild enough that some inputs still decode: the fuzz exercises both paths
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(200)];
        r.nextBytes(b);
        if (b.length > 0 && r.nextBoolean()) {
            b[0] = 'd';
        }
        return b;
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int kind = r.nextInt(5);
        switch (kind) {
            case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2 -> {
                int at = r.nextInt(b.length);
                b[at] = (byte) "0123456789:ilde".charAt(r.nextInt(15));
            }
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(b, b.length + r.nextInt(10_000));
                r.nextBytes(longer);
                System.arraycopy(b, 0, longer, 0, b.length);
                b = longer;
            }
            default -> {
                // a few flips: usually still bencode
                for (int i = 0; i < 1 + r.nextInt(3); i++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
        }
        return b;
    }
}
