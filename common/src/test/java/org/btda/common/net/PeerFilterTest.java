package org.btda.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PeerFilterTest {

    private static final InetAddress OURS = Networks.parseLiteral("192.0.2.7");
    private static final InetAddress THEIRS = Networks.parseLiteral("198.51.100.1");

    @Test
    void ourListenPortAtOurAddressesIsOurselvesAndAlsoAnotherPortOfOursWhenNamed() {
        PeerFilter f = new PeerFilter(6881, Set.of(OURS), CidrSet.parse());
        assertThat(f.check(new InetSocketAddress(OURS, 6881))).isEqualTo(PeerFilter.Verdict.SELF);
        assertThat(f.check(new InetSocketAddress(OURS, 40000))).isEqualTo(PeerFilter.Verdict.ACCEPT);
        PeerFilter withUtp = f.alsoOurs(40000);
        assertThat(withUtp.check(new InetSocketAddress(OURS, 40000))).as("our uTP socket, passed on from our p")
                .isEqualTo(PeerFilter.Verdict.SELF);
        assertThat(withUtp.check(new InetSocketAddress(OURS, 6881))).isEqualTo(PeerFilter.Verdict.SELF);
        assertThat(withUtp.check(new InetSocketAddress(THEIRS, 40000))).isEqualTo(PeerFilter.Verdict.ACCEPT);
        assertThat(withUtp.check(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000)))
                .isEqualTo(PeerFilter.Verdict.SELF);
    }
}
