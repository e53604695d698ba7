package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.bencode.Bencode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 seeded random and mutated inputs through the handshake + message decoders with random segmentation. Only
 * {@link PeerWireException} may escape, the decoder never holds more than one maximal frame, and output is bounded
 * by the input size.
 */
class WireFuzzTest {
    private static final int RUNS = 100_000;
    private static final int MAX_FRAME = 4096;
    private static final PeerWireLimits LIMITS = PeerWireLimits.DEFAULT.withMaxFrameLength(MAX_FRAME);

    private static final byte[][] SEEDS = {
        WireBytes.create().raw(WireBytes.handshake(Handshake.Reserved.of(true, true, false), new byte[20],
                new byte[20])).frame(5, new byte[] {-1, 0}).frame(4, 3).length(0).frame(0x0F, new byte[0]).bytes(),
        WireBytes.create().extended(0, Bencode.encode(Map.of("m", Map.of("ut_pex", 1, "ut_metadata", 2),
                "v", "libtorrent", "p", 6881, "yourip", new byte[4], "metadata_size", 1000))).bytes(),
        WireBytes.create().extended(1, Bencode.encode(Map.of("added", new byte[12], "added.f", new byte[2],
                "added6", new byte[18], "dropped", new byte[6]))).bytes(),
        WireBytes.create().extended(2, PeerMessageDecoderTest.concat(Bencode.encode(Map.of("msg_type", 1,
                "piece", 0, "total_size", 10)), new byte[10])).frame(7, new byte[40]).frame(6, 1, 2, 3).bytes(),
        WireBytes.create().frame(0x0E, new byte[0]).frame(0x11, 1).frame(0x10, 1, 2, 3).frame(9, new byte[2])
                .frame(0x0D, 5).frame(200, new byte[3]).bytes(),
    };

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only; ~8 s on an idle 2-core box
    void decodersSurviveRandomAndMutatedInput() {
        Random rnd = new Random(0xB7DA);
        WireCounters counters = new WireCounters();
        long violations = 0;
        long messages = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] input = run % 4 == 0 ? randomBytes(rnd) : mutate(rnd, SEEDS[rnd.nextInt(SEEDS.length)]);
            boolean withHandshake = run % 2 == 0;
            EmbeddedChannel ch = new EmbeddedChannel();
            if (withHandshake) {
                ch.pipeline().addLast(new HandshakeDecoder(rnd.nextBoolean(), counters));
            }
            PeerMessageDecoder decoder = new PeerMessageDecoder(LIMITS, ExtensionIds.DEFAULT, counters);
            ch.pipeline().addLast(decoder);
            int produced = 0;
            try {
                int i = 0;
                while (i < input.length) {
                    int n = 1 + rnd.nextInt(Math.min(input.length - i, 1 + rnd.nextInt(600)));
                    ch.writeInbound(Unpooled.wrappedBuffer(input, i, n));
                    i += n;
                    if (decoder.bufferedBytes() > MAX_FRAME + 4) { // plain check: AssertJ per chunk triples the run time
                        fail("run " + run + ": decoder holds " + decoder.bufferedBytes() + " bytes");
                    }
                    produced += WireBytes.drain(ch).size();
                }
            } catch (PeerWireException e) {
                violations++;
            } catch (RuntimeException | Error e) {
                fail("run " + run + " input " + Arrays.toString(input), e);
            }
            // every message consumes at least 4 bytes (the keep-alive) or is the handshake (+ prefix)
            if (produced > input.length / 4 + 2) {
                fail("run " + run + ": " + produced + " messages from " + input.length + " bytes");
            }
            messages += produced;
            ch.finishAndReleaseAll();
        }
        // sanity that the corpus exercises both paths: plenty decode, plenty violate
        assertThat(messages).isGreaterThan(RUNS / 10);
        assertThat(violations).isGreaterThan(RUNS / 10);
        long counted = Arrays.stream(WireViolation.values()).mapToLong(counters::violations).sum();
        assertThat(counted).isEqualTo(violations);
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(300)];
        rnd.nextBytes(b);
        if (b.length > 4 && rnd.nextBoolean()) {
            b[0] = 0; // plausible length prefixes reach the message paths more often
            b[1] = 0;
        }
        return b;
    }

    private static byte[] mutate(Random rnd, byte[] seed) {
        byte[] b = seed.clone();
        int mutations = 1 + rnd.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int pos = rnd.nextInt(b.length);
            switch (rnd.nextInt(5)) {
                case 0 -> b[pos] = (byte) rnd.nextInt(256);
                case 1 -> b[pos] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b = Arrays.copyOf(b, pos); // truncate
                case 3 -> { // duplicate a slice
                    int len = Math.min(b.length - pos, rnd.nextInt(40));
                    byte[] c = Arrays.copyOf(b, b.length + len);
                    System.arraycopy(b, pos, c, b.length, len);
                    b = c;
                }
                default -> { // delete a byte
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                    b = c;
                }
            }
        }
        return b;
    }
}
