package org.btda.protocol.utp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class UtpCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheVersionOneHeaderInNetworkOrder() {
        UtpPacket syn = UtpPacket.control(UtpType.SYN, 0x1234, 0xAABBCCDDL, 7, 0x10000, 1, 0);
        assertThat(HEX.formatHex(UtpCodec.encode(syn)))
                .isEqualTo("41" + "00" + "1234" + "aabbccdd" + "00000007" + "00010000" + "0001" + "0000");
    }

    @Test
    void roundTripsDataWithSelectiveAck() throws Exception {
        byte[] sack = {0b101, 0, 0, (byte) 0x80};
        UtpPacket p = new UtpPacket(UtpType.DATA, 65535, 0xFFFFFFFFL, 1, 65536, 65535, 3, sack, "hello".getBytes());
        UtpPacket back = UtpCodec.decode(UtpCodec.encode(p));
        assertThat(back).isEqualTo(p);
        // bit 0 acks ack_nr+2, bit 2 acks ack_nr+4, bit 31 acks ack_nr+33
        assertThat(back.selectivelyAcks(5)).isTrue();
        assertThat(back.selectivelyAcks(6)).isFalse();
        assertThat(back.selectivelyAcks(7)).isTrue();
        assertThat(back.selectivelyAcks(36)).isTrue();
        assertThat(back.selectivelyAcks(37)).isFalse();
        assertThat(back.selectivelyAcks(4)).isFalse();
    }

    @Test
    void skipsUnknownExtensionsByTheirLength() throws Exception {
        // STATE with extension 2 (8 bytes of extension bits), then selective ack (4 bytes), then none
        String hex = "21" + "02" + "0007" + "00000001" + "00000002" + "00100000" + "0005" + "0004"
                + "01" + "08" + "0000000000000000"
                + "00" + "04" + "01000000";
        UtpPacket p = UtpCodec.decode(HEX.parseHex(hex));
        assertThat(p.type()).isEqualTo(UtpType.STATE);
        assertThat(p.connectionId()).isEqualTo(7);
        assertThat(p.seqNr()).isEqualTo(5);
        assertThat(p.ackNr()).isEqualTo(4);
        assertThat(p.selectivelyAcks(6)).isTrue();
        assertThat(p.payload()).isEmpty();
    }

    @Test
    void sequenceDistanceWraps() {
        assertThat(UtpPacket.distance(65535, 0)).isEqualTo(1);
        assertThat(UtpPacket.distance(0, 65535)).isEqualTo(-1);
        assertThat(UtpPacket.distance(100, 200)).isEqualTo(100);
    }

    @Test
    void rejectsWhatIsNotAVersionOnePacket() {
        byte[] ok = UtpCodec.encode(UtpPacket.control(UtpType.STATE, 1, 0, 0, 0, 0, 0));
        assertReason(new byte[19], UtpException.Reason.TRUNCATED);
        byte[] v2 = ok.clone();
        v2[0] = 0x22;
        assertReason(v2, UtpException.Reason.BAD_VERSION);
        byte[] type9 = ok.clone();
        type9[0] = (byte) 0x91;
        assertReason(type9, UtpException.Reason.BAD_TYPE);
        byte[] cutExtension = ok.clone();
        cutExtension[1] = 1;
        assertReason(cutExtension, UtpException.Reason.TRUNCATED);
        byte[] withPayload = new byte[21];
        System.arraycopy(ok, 0, withPayload, 0, 20);
        assertReason(withPayload, UtpException.Reason.UNEXPECTED_PAYLOAD);
        assertThatThrownBy(() -> UtpCodec.decode(new byte[100], 0, 100, new UtpLimits(64, 1, 4)))
                .isInstanceOfSatisfying(UtpException.class, e -> assertThat(e.reason()).isEqualTo(UtpException.Reason.TOO_LARGE));
    }

    @Test
    void rejectsMalformedSelectiveAcksAndEndlessExtensionChains() {
        String head = "21" + "01" + "0007" + "00000001" + "00000002" + "00100000" + "0005" + "0004";
        assertReason(HEX.parseHex(head + "00" + "03" + "010203"), UtpException.Reason.BAD_SELECTIVE_ACK);
        assertReason(HEX.parseHex(head + "00" + "00"), UtpException.Reason.BAD_SELECTIVE_ACK);
        // nine chained extensions of type 2, each pointing at another
        StringBuilder chain = new StringBuilder("21" + "02" + "0007" + "00000001" + "00000002" + "00100000" + "0005" + "0004");
        for (int i = 0; i < 9; i++) chain.append("02").append("00");
        assertReason(HEX.parseHex(chain.toString()), UtpException.Reason.TOO_MANY_EXTENSIONS);
    }

    private static void assertReason(byte[] input, UtpException.Reason reason) {
        assertThatThrownBy(() -> UtpCodec.decode(input))
                .isInstanceOfSatisfying(UtpException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
