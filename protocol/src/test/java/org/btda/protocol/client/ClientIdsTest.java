package org.btda.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIdsTest {
    private static byte[] id(String prefix) {
        byte[] id = new byte[20];
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(p, 0, id, 0, p.length);
        for (int i = p.length; i < 20; i++) {
            id[i] = (byte) (0x80 + i * 7); // non-ASCII random-looking tail
        }
        return id;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-TR3000-|Transmission 3.00",
        "-TR294Z-|Transmission 2.94+",
        "-TR0072-|Transmission 0.72",
        "-TR4060-|Transmission 4.0.6",
        "-qB4620-|qBittorrent 4.6.2",
        "-qB4520-|qBittorrent 4.5.2",
        "-LT2090-|libtorrent (Rasterbar) 2.0.9",
        "-LT12J0-|libtorrent (Rasterbar) 1.2.19",
        "-lt0D80-|libtorrent (rakshasa) 0.13.8",
        "A2-1-36-0-|aria2 1.36.0",
        "-WW0104-|WebTorrent 1.04",
        "-CD0304-|Enhanced CTorrent 3.04",
        "-CD0303-|Enhanced CTorrent 3.03",
        "-UT355W-|uTorrent 3.5.5",
        "-BT7A0s-|BitTorrent 7.10.0",
        "-DE13F0-|Deluge 1.3.15",
        "-AZ5770-|Vuze 5.7.7",
        "-BC0185-|BitComet 1.85",
        "-KT4130-|KTorrent 4.1.3",
        "-BI3610-|BiglyBT 3.6.1",
        "-XL0012-|Xunlei 0.0.1.2",
        "-SD0100-|Xunlei 0.1.0",
        "-FD51W0-|Free Download Manager 5.1.32",
        "TIX0193-|Tixati 1.93",
        "S58B-----|Shadow's client 5.8.11",
        "T03I--|BitTornado 0.3.18",
        "M4-3-6--|BitTorrent (Mainline) 4.3.6",
        "M7-10-2-|BitTorrent (Mainline) 7.10.2",
        "-ZZ1234-|unknown -ZZ1234-",
        "xxxxxxxx|unknown",
    })
    void describesKnownStyles(String prefix, String expected) {
        assertThat(ClientIds.describe(id(prefix))).isEqualTo(expected);
    }

    @Test
    void shortOrNullIds() {
        assertThat(ClientIds.describe(null)).isEqualTo("unknown");
        assertThat(ClientIds.describe(new byte[3])).isEqualTo("unknown");
        assertThat(ClientIds.describe(new byte[20])).isEqualTo("unknown");
    }

    @Test
    void extensionVersionUsedOnlyWhenPeerIdUnknown() {
        assertThat(ClientIds.withExtension("Transmission 3.00", "Transmission 3.00 (bb6b5a062e)"))
                .isEqualTo("Transmission 3.00");
        assertThat(ClientIds.withExtension("unknown -ZZ1234-", "ZedTorrent 1.2")).isEqualTo("ZedTorrent 1.2");
        assertThat(ClientIds.withExtension("unknown", null)).isEqualTo("unknown");
        assertThat(ClientIds.withExtension("unknown", " \u0000\u001b ")).isEqualTo("unknown");
        assertThat(ClientIds.withExtension("unknown", "Evil\u0000\nClient" + "x".repeat(200)))
                .isEqualTo("EvilClient" + "x".repeat(54));
    }
}
