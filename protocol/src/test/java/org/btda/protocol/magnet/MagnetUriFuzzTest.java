package org.btda.protocol.magnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated magnet URIs (BEP 9). Only {@link MagnetException} escapes; what parses prints to a
 * canonical URI that parses to an equal magnet.
 */
class MagnetUriFuzzTest {
    private static final int INPUTS = 100_000;

    @Test
    void onlyMagnetExceptionEscapesAndWhatParsesRoundTrips() {
        List<byte[]> seeds = List.of(
                ("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=A%20file&tr=udp%3A%2F%2Ft.example%3A80"
                        + "&x.pe=10.0.0.1:6881&x.pe=[2001:db8::1]:51413").getBytes(StandardCharsets.ISO_8859_1),
                "magnet:?xt=urn:btih:CIJ2QAR5WFWL3LYVJLJTQ6QF4TZC4MLQ&tr.1=http://t.example/a&dn=x+y"
                        .getBytes(StandardCharsets.ISO_8859_1));
        int[] parsed = {0};
        Fuzz.run(0x3A6EL, INPUTS, seeds, 120, input -> {
            MagnetUri m;
            try {
                m = MagnetUri.parse(new String(input, StandardCharsets.ISO_8859_1));
            } catch (MagnetException declared) {
                return;
            }
            parsed[0]++;
            assertThat(MagnetUri.parse(m.toUri())).isEqualTo(m);
        });
        assertThat(parsed[0]).isGreaterThan(INPUTS / 10);
    }
}
