package org.btda.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EndpointSealerTest {
    private static final byte[] SECRET = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            SECRET[i] = (byte) (i * 7 + 1);
        }
    }

    @Test
    void roundTripsIpv4AndIpv6AcrossInstances() throws Exception {
        EndpointSealer a = new EndpointSealer(SECRET);
        EndpointSealer b = new EndpointSealer(SECRET.clone());
        for (String ip : new String[] {"203.0.113.7", "2001:db8:1::42", "127.0.0.1"}) {
            for (int port : new int[] {0, 1, 6881, 65535}) {
                InetAddress addr = InetAddress.getByName(ip);
                byte[] sealed = a.seal(addr, port);
                assertThat(sealed).hasSize(1 + 12 + addr.getAddress().length + 2 + 16);
                assertThat(b.open(sealed)).isEqualTo(new InetSocketAddress(addr, port));
            }
        }
    }

    @Test
    void noncesAreRandomSoEqualEndpointsSealDifferently() throws Exception {
        EndpointSealer s = new EndpointSealer(SECRET);
        InetAddress addr = InetAddress.getByName("198.51.100.9");
        byte[] x = s.seal(addr, 6881);
        byte[] y = s.seal(addr, 6881);
        assertThat(x).isNotEqualTo(y);
        assertThat(Arrays.copyOfRange(x, 1, 13)).isNotEqualTo(Arrays.copyOfRange(y, 1, 13));
        // The plaintext address never appears in the sealed bytes.
        assertThat(indexOf(x, addr.getAddress())).isEqualTo(-1);
    }

    @Test
    void everyFlippedBitIsDetected() throws Exception {
        EndpointSealer s = new EndpointSealer(SECRET);
        byte[] sealed = s.seal(InetAddress.getByName("203.0.113.7"), 51413);
        for (int i = 0; i < sealed.length * 8; i++) {
            byte[] t = sealed.clone();
            t[i / 8] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> s.open(t)).isInstanceOf(EndpointSealingException.class);
        }
        // The thread's cipher is still usable after failures.
        assertThat(s.open(sealed).getPort()).isEqualTo(51413);
    }

    @Test
    void otherSecretAndBadLengthsAreRejected() throws Exception {
        byte[] sealed = new EndpointSealer(SECRET).seal(InetAddress.getByName("203.0.113.7"), 1);
        byte[] other = SECRET.clone();
        other[31] ^= 1;
        assertThatThrownBy(() -> new EndpointSealer(other).open(sealed)).isInstanceOf(EndpointSealingException.class)
                .hasMessageContaining("authentication");
        EndpointSealer s = new EndpointSealer(SECRET);
        assertThatThrownBy(() -> s.open(Arrays.copyOf(sealed, sealed.length - 1))).isInstanceOf(EndpointSealingException.class);
        assertThatThrownBy(() -> s.open(new byte[0])).isInstanceOf(EndpointSealingException.class);
        assertThatThrownBy(() -> s.open(null)).isInstanceOf(EndpointSealingException.class);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
