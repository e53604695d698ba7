package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * The payload codecs one by one, apart from the framing that {@link WireFuzzTest} covers: 100,000 seeded random and
 * mutated payloads each for the BEP 10 extended handshake, BEP 11 ut_pex and BEP 9 ut_metadata. Only the exceptions
 * {@link PeerMessageDecoder} turns into a violation (bencode errors and IllegalArgumentException) escape; what decodes
 * and has an encoder re-encodes to an equal message; PEX lists stay within their cap. The BEP 3 handshake round-trips
 * through its encoder and decoder.
 */
class ExtensionMessagesFuzzTest {
    private static final int INPUTS = 100_000;
    private static final PeerWireLimits LIMITS = PeerWireLimits.DEFAULT;

    @Test
    void extendedHandshakeDecodesOrIsRejectedAndReEncodesEqual() {
        List<byte[]> seeds = List.of(
                Bencode.encode(Map.of("m", Map.of("ut_pex", 1, "ut_metadata", 2), "v", "libtorrent", "p", 6881,
                        "yourip", new byte[4], "metadata_size", 1000, "reqq", 250, "upload_only", 1)),
                ExtendedHandshake.forBtda(ExtensionIds.DEFAULT, true, true, 6881, 250).encodePayload());
        int[] decoded = {0};
        Fuzz.run(0xB10L, INPUTS, seeds, 100, input -> {
            ExtendedHandshake h;
            try {
                h = ExtendedHandshake.parse(input, LIMITS.bencode());
            } catch (BencodeException | IllegalArgumentException declared) {
                return;
            }
            decoded[0]++;
            assertThat(ExtendedHandshake.parse(h.encodePayload(), LIMITS.bencode())).isEqualTo(h);
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 10);
    }

    @Test
    void pexDecodesOrIsRejectedWithinItsCap() {
        int cap = 4;
        List<byte[]> seeds = List.of(Bencode.encode(Map.of("added", new byte[12], "added.f", new byte[] {2, 0},
                "added6", new byte[18], "dropped", new byte[6], "dropped6", new byte[36])));
        int[] decoded = {0};
        Fuzz.run(0xB11L, INPUTS, seeds, 100, input -> {
            PexMessage m;
            try {
                m = PexMessage.parse(input, LIMITS.bencode(), cap);
            } catch (BencodeException | IllegalArgumentException declared) {
                return;
            }
            decoded[0]++;
            assertThat(m.added().size()).isLessThanOrEqualTo(Math.min(cap, input.length / 6));
            assertThat(m.dropped().size()).isLessThanOrEqualTo(Math.min(cap, input.length / 6));
            for (PexMessage.PexPeer p : m.added()) {
                if (p.flags() < 0 || p.flags() > 255) { // plain check: AssertJ per peer dominates the run time
                    throw new AssertionError("flags " + p.flags());
                }
            }
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 10);
    }

    @Test
    void metadataMessageDecodesOrIsRejectedAndReEncodesEqual() {
        List<byte[]> seeds = List.of(
                MetadataMessage.request(2, 0).encodePayload(),
                MetadataMessage.reject(2, 3).encodePayload(),
                MetadataMessage.data(2, 0, 10, new byte[10]).encodePayload());
        int[] decoded = {0};
        Fuzz.run(0xB09L, INPUTS, seeds, 100, input -> {
            MetadataMessage m;
            try {
                m = MetadataMessage.parse(2, input, LIMITS.bencode());
            } catch (BencodeException | IllegalArgumentException declared) {
                return;
            }
            if (m == null) {
                return; // an unknown msg_type: the decoder passes it on as an unknown extended message
            }
            decoded[0]++;
            if (m.type() == MetadataMessage.Type.DATA) {
                assertThat(m.data().length).isLessThanOrEqualTo(MetadataMessage.PIECE_LENGTH);
            }
            assertThat(MetadataMessage.parse(2, m.encodePayload(), LIMITS.bencode())).isEqualTo(m);
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 10);
    }

    @Test
    void handshakesRoundTripThroughEncoderAndDecoder() {
        Random random = new Random(0xB03L);
        for (int i = 0; i < 2_000; i++) {
            byte[] reserved = new byte[8];
            byte[] infoHash = new byte[20];
            byte[] peerId = new byte[20];
            random.nextBytes(reserved);
            random.nextBytes(infoHash);
            random.nextBytes(peerId);
            Handshake h = new Handshake(reserved, infoHash, peerId);
            ByteBuf bytes = Unpooled.buffer(Handshake.LENGTH);
            HandshakeCodec.write(h, bytes);
            EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder(false, new WireCounters()));
            ch.writeInbound(bytes);
            assertThat((Object) ch.readInbound()).isEqualTo(h);
            ch.finishAndReleaseAll();
        }
    }
}
