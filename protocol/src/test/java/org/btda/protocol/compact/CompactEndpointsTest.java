package org.btda.protocol.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactEndpointsTest {
    @Test
    void decodesBothFamiliesSkipsPortZeroAndEncodesBack() throws Exception {
        byte[] v4 = {10, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 2, 0, 0};
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 6881);
        assertThat(CompactEndpoints.decode(v4, 6)).containsExactly(a);
        assertThat(CompactEndpoints.encode(List.of(a), 6)).isEqualTo(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1});

        InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 80);
        byte[] v6 = CompactEndpoints.encode(b);
        assertThat(v6).hasSize(18);
        assertThat(CompactEndpoints.decode(v6, 18)).containsExactly(b);
        assertThat(CompactEndpoints.encode(List.of(a, b), 18)).isEqualTo(v6);
        assertThat(CompactEndpoints.read(v4, 6, 6).getPort()).as("read keeps port 0").isZero();
    }

    @Test
    void misalignedOrOverlongListsAreRejected() {
        assertThatThrownBy(() -> CompactEndpoints.decode(new byte[7], 6))
                .isInstanceOf(CompactFormatException.class).hasMessageContaining("not a multiple of 6");
        assertThatThrownBy(() -> CompactEndpoints.decode(new byte[36], 0, 36, 6, 5))
                .isInstanceOf(CompactFormatException.class).hasMessageContaining("exceeds 5");
        assertThatThrownBy(() -> CompactEndpoints.decode(new byte[12], 12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CompactEndpoints.wholeEntries(20, 6, 10)).isEqualTo(3);
        assertThat(CompactEndpoints.wholeEntries(60, 6, 4)).isEqualTo(4);
    }
}
