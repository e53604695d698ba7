package org.btda.protocol.holepunch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** 100,000 seeded random and mutated payloads: only {@link HolepunchException} escapes; what decodes round-trips. */
class HolepunchCodecFuzzTest {

    private static final int INPUTS = 100_000;

    @Test
    void onlyHolepunchExceptionEscapesAndDecodedMessagesRoundTrip() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.5.2"), 6881);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 1);
        List<byte[]> seeds = List.of(HolepunchCodec.encode(HolepunchMessage.rendezvous(v4)),
                HolepunchCodec.encode(HolepunchMessage.connect(v6)),
                HolepunchCodec.encode(HolepunchMessage.error(v4, HolepunchMessage.ErrorCode.NO_SUPPORT)));
        int[] decoded = {0};
        Fuzz.run(0x55L, INPUTS, seeds, 30, input -> {
            try {
                HolepunchMessage m = HolepunchCodec.decode(input);
                decoded[0]++;
                assertThat(HolepunchCodec.decode(HolepunchCodec.encode(m))).isEqualTo(m);
            } catch (HolepunchException declared) {
                assertThat(declared.getMessage()).isNotBlank();
            }
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 20);
    }
}
