package org.btda.protocol.utp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated datagrams through the BEP 29 decoder: only {@link UtpException} escapes, and what
 * decodes re-encodes to a packet that decodes equal (the extension chain is normalised to selective ack only).
 */
class UtpCodecFuzzTest {

    private static final int INPUTS = 100_000;

    private static List<byte[]> seeds() {
        return List.of(
                UtpCodec.encode(UtpPacket.control(UtpType.SYN, 0x4000, 123456, 0, 1 << 20, 1, 0)),
                UtpCodec.encode(UtpPacket.control(UtpType.STATE, 0x4001, 123456, 99, 1 << 20, 777, 1)),
                UtpCodec.encode(new UtpPacket(UtpType.STATE, 9, 5, 6, 7, 8, 9, new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
                        new byte[0])),
                UtpCodec.encode(new UtpPacket(UtpType.DATA, 9, 5, 6, 7, 8, 9, null,
                        "\u0013BitTorrent protocol".getBytes())),
                UtpCodec.encode(UtpPacket.control(UtpType.FIN, 1, 0, 0, 0, 2, 3)),
                UtpCodec.encode(UtpPacket.control(UtpType.RESET, 1, 0, 0, 0, 2, 3)));
    }

    @Test
    void onlyUtpExceptionEscapesAndDecodedPacketsRoundTrip() {
        int[] decoded = {0};
        UtpLimits limits = new UtpLimits(512, 4, 32);
        Fuzz.run(0x29L, INPUTS, seeds(), 80, input -> {
            try {
                UtpPacket p = UtpCodec.decode(input, 0, input.length, limits);
                decoded[0]++;
                assertThat(p.payload().length).isLessThanOrEqualTo(input.length - UtpPacket.HEADER_BYTES);
                assertThat(p.selectiveAck() == null || p.selectiveAck().length <= 32).isTrue();
                assertThat(UtpCodec.decode(UtpCodec.encode(p))).isEqualTo(p);
            } catch (UtpException declared) {
                assertThat(declared.reason()).isNotNull();
            }
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 10);
    }
}
