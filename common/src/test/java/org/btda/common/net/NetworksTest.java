package org.btda.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NetworksTest {
    @Test
    void truncatesToSlash24AndSlash48() throws Exception {
        assertThat(Networks.truncate(InetAddress.getByName("203.0.113.77"))).isEqualTo("203.0.113.0/24");
        assertThat(Networks.truncate(InetAddress.getByName("10.255.255.255"))).isEqualTo("10.255.255.0/24");
        assertThat(Networks.truncate(InetAddress.getByName("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1::/48");
        assertThat(Networks.truncate(InetAddress.getByName("2001:db8:0:ffff::1"))).isEqualTo("2001:db8::/48");
        assertThat(Networks.truncate(InetAddress.getByName("::1"))).isEqualTo("::/48");
        assertThat(Networks.truncate(InetAddress.getByName("::ffff:198.51.100.4"))).isEqualTo("198.51.100.0/24");
        assertThat(Networks.truncate(InetAddress.getByName("fe80:1:2::"))).isEqualTo("fe80:1:2::/48");
        assertThat(Networks.truncate(InetAddress.getByName("1:2:3::"))).isEqualTo("1:2:3::/48");
    }

    @Test
    void formatsIpv6PerRfc5952() throws Exception {
        assertThat(Networks.format(InetAddress.getByName("2001:0db8:0000:0000:0001:0000:0000:0001"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Networks.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Networks.format(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(Networks.format(InetAddress.getByName("1::"))).isEqualTo("1::");
        assertThat(Networks.format(InetAddress.getByName("1:0:0:2:0:0:0:3"))).isEqualTo("1:0:0:2::3");
        assertThat(Networks.format(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void parsesLiteralsOnlyNeverNames() {
        assertThat(Networks.parseLiteral("192.0.2.1").getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(Networks.format(Networks.parseLiteral("[2001:db8::1]"))).isEqualTo("2001:db8::1");
        for (String bad : new String[] {"localhost", "abc", "1.2.3", "256.1.1.1", "1.2.3.4.5", "01.2.3.4", "", "fe80::1%eth0", "bad:host:name"}) {
            assertThatThrownBy(() -> Networks.parseLiteral(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
