package org.btda.protocol.magnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.Test;

class MagnetUriTest {
    private static final String HEX = "c9e15763f722f23e98a29decdfae341b98d53056";

    @Test
    void hexWithNameTrackersAndPeers() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX.toUpperCase()
                + "&dn=Big+Buck%20Bunny%20%E2%98%83&tr=udp%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
                + "&tr=http://127.0.0.2/announce?a=b%2Bc&tr=udp%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
                + "&x.pe=127.0.0.1:6881&x.pe=%5B%3A%3A1%5D%3A51413&x.pe=localhost:1&xl=1234&ws=http://x/");
        assertThat(m.infoHash()).isEqualTo(InfoHash.fromHex(HEX));
        assertThat(m.displayName()).isEqualTo("Big Buck Bunny ☃");
        assertThat(m.trackers()).containsExactly("udp://127.0.0.1:6969/announce", "http://127.0.0.2/announce?a=b+c");
        assertThat(m.peers()).containsExactly(new PeerAddress("127.0.0.1", 6881), new PeerAddress("::1", 51413),
                new PeerAddress("localhost", 1));
        assertThat(m.peers().get(1)).hasToString("[::1]:51413");
    }

    @Test
    void base32AndIndexedParams() {
        InfoHash h = InfoHash.fromHex(HEX);
        MagnetUri m = MagnetUri.parse("MAGNET:?xt.1=urn:btih:" + h.base32().toLowerCase() + "&tr.1=http://t/a");
        assertThat(m.infoHash()).isEqualTo(h);
        assertThat(m.displayName()).isNull();
        assertThat(m.trackers()).containsExactly("http://t/a");
        assertThat(m.peers()).isEmpty();
    }

    @Test
    void hybridMagnetWithBtmhUsesBtih() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btmh:1220" + "ab".repeat(32));
        assertThat(m.infoHash().hex()).isEqualTo(HEX);
    }

    @Test
    void roundTripsThroughToUri() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=a%26b&tr=udp://h:1/x&x.pe=[::1]:2");
        assertThat(MagnetUri.parse(m.toUri())).isEqualTo(m);
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> MagnetUri.parse("http://x")).isInstanceOf(MagnetException.class)
                .hasMessageContaining("must start with 'magnet:?'");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?dn=x")).hasMessageContaining("no xt=urn:btih:");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btmh:1220" + "ab".repeat(32)))
                .hasMessageContaining("only a v2");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:abcd")).hasMessageContaining("got 4");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + "g".repeat(40)))
                .hasMessageContaining("non-hex");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + "1".repeat(32)))
                .hasMessageContaining("invalid character");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=%4"))
                .hasMessageContaining("truncated percent escape in dn");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=%zz"))
                .hasMessageContaining("invalid percent escape '%zz'");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&x.pe=::1:80"))
                .hasMessageContaining("invalid x.pe").hasMessageContaining("brackets");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&x.pe=h:70000"))
                .hasMessageContaining("port 70000");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btih:" + "0".repeat(40)))
                .hasMessageContaining("two different");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt")).hasMessageContaining("without value");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&tr=" + "a".repeat(70_000)))
                .hasMessageContaining("longer than");
    }

    @Test
    void peerAddressParsing() {
        assertThat(PeerAddress.parse("[2001:db8::1]:6881")).isEqualTo(new PeerAddress("2001:db8::1", 6881));
        assertThat(List.of("1.2.3.4", "[::1]", "[::1]:", "h:", ":1", "[1.2.3.4]:5", "h:0", "h:1x"))
                .allSatisfy(s -> assertThatThrownBy(() -> PeerAddress.parse(s))
                        .isInstanceOf(IllegalArgumentException.class));
    }
}
