package org.btda.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CidrSetTest {
    private static InetAddress ip(String s) {
        return Networks.parseLiteral(s);
    }

    @Test
    void ipv4Boundaries() {
        CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.0/24", "203.0.113.7"));
        assertThat(set.contains(ip("10.0.0.0"))).isTrue();
        assertThat(set.contains(ip("10.255.255.255"))).isTrue();
        assertThat(set.contains(ip("9.255.255.255"))).isFalse();
        assertThat(set.contains(ip("11.0.0.0"))).isFalse();
        assertThat(set.contains(ip("192.168.1.255"))).isTrue();
        assertThat(set.contains(ip("192.168.2.0"))).isFalse();
        assertThat(set.contains(ip("203.0.113.7"))).isTrue();
        assertThat(set.contains(ip("203.0.113.8"))).isFalse();
        assertThat(set.contains(ip("2001:db8::1"))).isFalse();
        assertThat(set.size()).isEqualTo(3);
    }

    @Test
    void ipv6AndMappedAddresses() {
        CidrSet set = CidrSet.parse("2001:db8::/32", "fe80::1/128", "198.51.100.0/24");
        assertThat(set.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(set.contains(ip("2001:db9::"))).isFalse();
        assertThat(set.contains(ip("fe80::1"))).isTrue();
        assertThat(set.contains(ip("fe80::2"))).isFalse();
        // An IPv4-mapped IPv6 address is the IPv4 peer.
        assertThat(set.contains(ip("::ffff:198.51.100.9"))).isTrue();
    }

    @Test
    void zeroPrefixCoversTheFamilyOnly() {
        CidrSet v4 = CidrSet.parse("0.0.0.0/0");
        assertThat(v4.contains(ip("255.255.255.255"))).isTrue();
        assertThat(v4.contains(ip("0.0.0.0"))).isTrue();
        assertThat(v4.contains(ip("::1"))).isFalse();
        CidrSet v6 = CidrSet.parse("::/0");
        assertThat(v6.contains(ip("ffff::"))).isTrue();
        assertThat(v6.contains(ip("1.2.3.4"))).isFalse();
    }

    @Test
    void hostBitsAreMaskedAndOverlapsMerge() {
        CidrSet set = CidrSet.parse(" 192.168.1.77/24 ", "10.1.0.0/16", "10.0.0.0/8", "10.2.3.4/32", "");
        assertThat(set.contains(ip("192.168.1.0"))).isTrue();
        assertThat(set.contains(ip("10.200.0.1"))).isTrue();
        assertThat(set.size()).isEqualTo(4);
        assertThat(CidrSet.empty().contains(ip("1.1.1.1"))).isFalse();
        assertThat(CidrSet.parse(List.of()).isEmpty()).isTrue();
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> CidrSet.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33").hasMessageContaining("33");
        assertThatThrownBy(() -> CidrSet.parse("2001:db8::/129")).hasMessageContaining("2001:db8::/129");
        assertThatThrownBy(() -> CidrSet.parse("10.0.0.0/")).hasMessageContaining("10.0.0.0/");
        assertThatThrownBy(() -> CidrSet.parse("10.0.0.0/-1")).hasMessageContaining("10.0.0.0/-1");
        assertThatThrownBy(() -> CidrSet.parse("example.com/24")).hasMessageContaining("example.com/24");
        assertThatThrownBy(() -> CidrSet.parse("300.0.0.0/8")).hasMessageContaining("300.0.0.0/8");
    }

    @Test
    void agreesWithANaiveCheckOnRandomData() {
        Random random = new Random(7);
        List<String> entries = new ArrayList<>();
        List<int[]> naive = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int addr = random.nextInt();
            int prefix = 8 + random.nextInt(25);
            entries.add(toText(addr) + "/" + prefix);
            naive.add(new int[] {addr, prefix});
        }
        CidrSet set = CidrSet.parse(entries);
        for (int i = 0; i < 20_000; i++) {
            int probe = random.nextInt();
            if (i % 2 == 0) {
                int[] e = naive.get(random.nextInt(naive.size()));
                probe = e[0] ^ (random.nextInt() >>> e[1]) ^ (random.nextInt(4) == 0 ? 1 << (32 - e[1]) : 0);
            }
            boolean expected = false;
            for (int[] e : naive) {
                int mask = e[1] == 0 ? 0 : -1 << (32 - e[1]);
                expected |= (probe & mask) == (e[0] & mask);
            }
            assertThat(set.contains(ip(toText(probe)))).as(toText(probe)).isEqualTo(expected);
        }
    }

    private static String toText(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
