package org.btda.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PeerKeysTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String IH = "c9e15763f722f23e98a29decdfae341b98d53056";

    @Test
    void stableAcrossInstancesAndMatchesTheDocumentedConstruction() throws Exception {
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        String a = new PeerKeys(SECRET).key(IH, ip, 51413);
        String b = new PeerKeys(SECRET.clone()).key(IH.toUpperCase(), ip, 51413);
        assertThat(a).matches("[0-9a-f]{32}").isEqualTo(b);

        // Independent recomputation of HMAC-SHA256(secret, 01 | ih | 04 | ip | port)[0..16].
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] input = new byte[1 + 20 + 1 + 4 + 2];
        input[0] = 1;
        System.arraycopy(HexFormat.of().parseHex(IH), 0, input, 1, 20);
        input[21] = 4;
        System.arraycopy(ip.getAddress(), 0, input, 22, 4);
        input[26] = (byte) (51413 >> 8);
        input[27] = (byte) 51413;
        assertThat(a).isEqualTo(HexFormat.of().formatHex(mac.doFinal(input), 0, 16));
    }

    @Test
    void everyIdentityPartAndTheSecretChangeTheKey() throws Exception {
        PeerKeys keys = new PeerKeys(SECRET);
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        String base = keys.key(IH, ip, 6881);
        Set<String> all = new HashSet<>();
        all.add(base);
        all.add(keys.key(IH, ip, 6882));
        all.add(keys.key(IH, InetAddress.getByName("203.0.113.8"), 6881));
        all.add(keys.key("d9e15763f722f23e98a29decdfae341b98d53056", ip, 6881));
        all.add(keys.key(IH, InetAddress.getByName("2001:db8::7"), 6881));
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        all.add(new PeerKeys(other).key(IH, ip, 6881));
        byte[] peerId = "-TR3000-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        all.add(keys.keyByPeerId(IH, ip, peerId));
        assertThat(all).hasSize(7);
        assertThat(keys.keyByPeerId(IH, ip, peerId)).isEqualTo(new PeerKeys(SECRET).keyByPeerId(IH, ip, peerId));
        // IPv4-mapped IPv6 is the same peer as plain IPv4.
        assertThat(keys.key(IH, InetAddress.getByName("::ffff:203.0.113.7"), 6881)).isEqualTo(base);
    }

    @Test
    void rejectsBadInput() throws Exception {
        PeerKeys keys = new PeerKeys(SECRET);
        InetAddress ip = InetAddress.getLoopbackAddress();
        assertThatThrownBy(() -> keys.key("abc", ip, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key("zz" + IH.substring(2), ip, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key(IH, ip, 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.keyByPeerId(IH, ip, new byte[19])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerKeys(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadSafe() throws Exception {
        PeerKeys keys = new PeerKeys(SECRET);
        InetAddress ip = InetAddress.getByName("198.51.100.1");
        PeerKeys reference = new PeerKeys(SECRET);
        ConcurrentHashMap<Integer, String> results = new ConcurrentHashMap<>();
        IntStream.range(0, 20_000).parallel().forEach(port -> results.put(port, keys.key(IH, ip, port)));
        for (int port = 0; port < 20_000; port += 997) {
            assertThat(results.get(port)).isEqualTo(reference.key(IH, ip, port));
        }
        assertThat(new HashSet<>(results.values())).hasSize(20_000);
    }
}
