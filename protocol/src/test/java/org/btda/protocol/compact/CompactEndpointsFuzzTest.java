package org.btda.protocol.compact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated byte strings decoded as IPv4 and IPv6 compact lists. A misaligned or over-long list
 * is a {@link CompactFormatException} and nothing else escapes; every decoded endpoint re-encodes to bytes that decode
 * to it again, and no list is longer than its input allows or its cap.
 */
class CompactEndpointsFuzzTest {
    private static final int INPUTS = 100_000;
    private static final int CAP = 8;

    @Test
    void onlyFormatErrorsEscapeAndEveryEndpointRoundTrips() {
        List<byte[]> seeds = List.of(
                new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1, (byte) 192, (byte) 168, 1, 2, 0, 80},
                new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1a, (byte) 0xe1},
                new byte[36]);
        int[] decoded = {0};
        int[] rejected = {0};
        Fuzz.run(0xC0A1L, INPUTS, seeds, 120, input -> {
            for (int entry : new int[] {CompactEndpoints.IPV4, CompactEndpoints.IPV6}) {
                List<InetSocketAddress> peers;
                try {
                    peers = CompactEndpoints.decode(input, 0, input.length, entry, CAP);
                } catch (CompactFormatException e) {
                    assertThat(input.length % entry != 0 || input.length / entry > CAP).isTrue();
                    rejected[0]++;
                    continue;
                }
                decoded[0]++;
                assertThat(peers.size()).isLessThanOrEqualTo(Math.min(CAP, input.length / entry));
                for (InetSocketAddress p : peers) {
                    assertThat(p.getPort()).isPositive();
                    byte[] again = CompactEndpoints.encode(p);
                    assertThat(CompactEndpoints.read(again, 0, again.length)).isEqualTo(p);
                }
                // a whole list of one family re-encodes to the same endpoints (IPv4-mapped IPv6 reads as IPv4)
                byte[] list = CompactEndpoints.encode(peers, entry);
                assertThat(CompactEndpoints.decode(list, entry)).isSubsetOf(peers);
            }
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 10);
        assertThat(rejected[0]).isGreaterThan(INPUTS / 10);
    }
}
