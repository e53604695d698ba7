package org.btda.protocol.holepunch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class HolepunchCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheBep55LayoutForBothAddressFamilies() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.5.2"), 6881);
        assertThat(HEX.formatHex(HolepunchCodec.encode(HolepunchMessage.rendezvous(v4))))
                .isEqualTo("00" + "00" + "c6120502" + "1ae1" + "00000000");
        assertThat(HEX.formatHex(HolepunchCodec.encode(HolepunchMessage.error(v4, HolepunchMessage.ErrorCode.NOT_CONNECTED))))
                .isEqualTo("02" + "00" + "c6120502" + "1ae1" + "00000002");
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 51413);
        byte[] connect = HolepunchCodec.encode(HolepunchMessage.connect(v6));
        assertThat(HEX.formatHex(connect)).isEqualTo("01" + "01" + "20010db8000000000000000000000001" + "c8d5" + "00000000");
        assertThat(HolepunchCodec.decode(connect)).isEqualTo(HolepunchMessage.connect(v6));
    }

    @Test
    void decodesEveryErrorCodeAndKeepsUnknownOnesAsUnknown() throws Exception {
        for (HolepunchMessage.ErrorCode code : HolepunchMessage.ErrorCode.values()) {
            if (code == HolepunchMessage.ErrorCode.NONE) continue;
            byte[] b = HEX.parseHex("02" + "00" + "7f000001" + "1ae1" + String.format("%08x", code.code()));
            assertThat(HolepunchCodec.decode(b).error()).isEqualTo(code);
        }
        assertThat(HolepunchCodec.decode(HEX.parseHex("02" + "00" + "7f000001" + "1ae1" + "00000063")).error())
                .isEqualTo(HolepunchMessage.ErrorCode.UNKNOWN);
    }

    @Test
    void acceptsRendezvousAndConnectWithoutErrCodeAsLibtorrentWritesThem() throws Exception {
        assertThat(HolepunchCodec.decode(HEX.parseHex("01" + "00" + "c6120102" + "1ae1")))
                .isEqualTo(HolepunchMessage.connect(new InetSocketAddress("198.18.1.2", 6881)));
        assertThat(HolepunchCodec.decode(HEX.parseHex("00" + "01" + "20010db8000000000000000000000001" + "1ae1")))
                .isEqualTo(HolepunchMessage.rendezvous(new InetSocketAddress("2001:db8::1", 6881)));
    }

    @Test
    void rejectsWhatIsNotABep55Message() {
        String[] bad = {
            "",                                                       // empty
            "00" + "00" + "7f000001" + "1ae1" + "000000",             // short
            "00" + "00" + "7f000001" + "1ae1" + "0000000000",         // long
            "03" + "00" + "7f000001" + "1ae1" + "00000000",           // msg_type 3
            "00" + "02" + "7f000001" + "1ae1" + "00000000",           // addr_type 2
            "00" + "01" + "7f000001" + "1ae1" + "00000000",           // IPv6 type in an IPv4-sized payload
            "01" + "00" + "7f000001" + "0000" + "00000000",           // port 0
            "00" + "00" + "7f000001" + "1ae1" + "00000001",           // rendezvous with an error code
            "02" + "00" + "7f000001" + "1ae1" + "00000000",           // error without one
            "02" + "00" + "7f000001" + "1ae1",                        // error without err_code at all
            "00" + "01" + "7f000001" + "1ae1",                        // IPv6 type in a short IPv4-sized payload
        };
        for (String hex : bad) {
            assertThatThrownBy(() -> HolepunchCodec.decode(HEX.parseHex(hex))).as(hex).isInstanceOf(HolepunchException.class);
        }
    }
}
