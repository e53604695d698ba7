package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerMessageDecoderTest {
    private final WireCounters counters = new WireCounters();
    private final EmbeddedChannel ch = WireBytes.messageChannel(PeerWireLimits.DEFAULT, counters);

    private Object single(byte[] data) {
        List<Object> msgs = WireBytes.deliver(ch, data, data.length);
        assertThat(msgs).hasSize(1);
        return msgs.get(0);
    }

    @Test
    void keepAlive() {
        assertThat(single(WireBytes.create().length(0).bytes())).isSameAs(PeerMessage.KeepAlive.INSTANCE);
    }

    @Test
    void stateMessagesWithoutBody() {
        byte[] data = WireBytes.create().frame(0, new byte[0]).frame(1, new byte[0]).frame(2, new byte[0])
                .frame(3, new byte[0]).frame(0x0E, new byte[0]).frame(0x0F, new byte[0]).bytes();
        assertThat(WireBytes.deliver(ch, data, data.length)).containsExactly(PeerMessage.Choke.INSTANCE,
                PeerMessage.Unchoke.INSTANCE, PeerMessage.Interested.INSTANCE, PeerMessage.NotInterested.INSTANCE,
                PeerMessage.HaveAll.INSTANCE, PeerMessage.HaveNone.INSTANCE);
    }

    @Test
    void indexMessages() {
        byte[] data = WireBytes.create().frame(4, 7).frame(0x0D, 8).frame(0x11, 9).bytes();
        assertThat(WireBytes.deliver(ch, data, data.length)).containsExactly(new PeerMessage.Have(7),
                new PeerMessage.SuggestPiece(8), new PeerMessage.AllowedFast(9));
    }

    @Test
    void bitfieldKeepsBytes() {
        byte[] bits = {(byte) 0xff, (byte) 0x80, 0x01};
        PeerMessage.Bitfield b = (PeerMessage.Bitfield) single(WireBytes.create().frame(5, bits).bytes());
        assertThat(b.bits()).containsExactly(bits);
    }

    @Test
    void requestCancelReject() {
        byte[] data = WireBytes.create().frame(6, 1, 16384, 16384).frame(8, 2, 0, 100).frame(0x10, 3, 32768, 5)
                .bytes();
        assertThat(WireBytes.deliver(ch, data, data.length)).containsExactly(new PeerMessage.Request(1, 16384, 16384),
                new PeerMessage.Cancel(2, 0, 100), new PeerMessage.RejectRequest(3, 32768, 5));
    }

    @Test
    void port() {
        assertThat(single(WireBytes.create().frame(9, new byte[] {(byte) 0xC8, (byte) 0xD5}).bytes()))
                .isEqualTo(new PeerMessage.Port(51413));
    }

    @Test
    void pieceBlockIsSkippedAndOnlyTheHeaderEmitted() {
        byte[] body = new byte[8 + 16384];
        body[3] = 5; // index 5
        body[6] = 0x40; // begin 16384
        byte[] data = WireBytes.create().frame(7, body).frame(4, 1).bytes();
        assertThat(WireBytes.deliver(ch, data, 1000)).containsExactly(new PeerMessage.Piece(5, 16384, 16384),
                new PeerMessage.Have(1));
        assertThat(counters.discardedPieces()).isEqualTo(1);
    }

    @Test
    void pieceBodyIsNeverBuffered() {
        PeerMessageDecoder decoder = (PeerMessageDecoder) ch.pipeline().first();
        int block = PeerWireLimits.DEFAULT.maxFrameLength() - 9;
        ch.writeInbound(Unpooled.wrappedBuffer(WireBytes.create().length(block + 9).raw(new byte[] {7, 0, 0, 0, 1, 0,
                0, 0, 0}).bytes()));
        int maxHeld = 0;
        for (int sent = 0; sent < block; sent += 4096) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[Math.min(4096, block - sent)]));
            maxHeld = Math.max(maxHeld, decoder.bufferedBytes());
        }
        assertThat(maxHeld).isZero();
        assertThat(WireBytes.drain(ch)).containsExactly(new PeerMessage.Piece(1, 0, block));
    }

    @Test
    void unknownIdsAreSkippedAndCounted() {
        byte[] data = WireBytes.create().frame(0x42, new byte[100]).frame(0xff, new byte[0]).frame(1, new byte[0])
                .bytes();
        assertThat(WireBytes.deliver(ch, data, 7)).containsExactly(PeerMessage.Unchoke.INSTANCE);
        assertThat(counters.unknownMessages()).isEqualTo(2);
    }

    @Test
    void extendedHandshakeIsDecodedAndYourIpStaysOutOfToString() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ut_metadata", 3);
        m.put("ut_pex", 1);
        m.put("lt_donthave", 7);
        m.put("disabled", 0);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("m", m);
        d.put("v", "libtorrent 2.0.8.0");
        d.put("p", 6881);
        d.put("reqq", 500);
        d.put("metadata_size", 31337);
        d.put("upload_only", 1);
        d.put("yourip", new byte[] {(byte) 192, (byte) 0, 2, 33});
        ExtendedHandshake h = (ExtendedHandshake) single(WireBytes.create().extended(0, Bencode.encode(d)).bytes());
        assertThat(h.extensions()).containsExactlyInAnyOrderEntriesOf(
                Map.of("ut_metadata", 3, "ut_pex", 1, "lt_donthave", 7));
        assertThat(h.extensionId("ut_pex")).isEqualTo(1);
        assertThat(h.extensionId("disabled")).isZero();
        assertThat(h.clientVersion()).isEqualTo("libtorrent 2.0.8.0");
        assertThat(h.listenPort()).isEqualTo(6881);
        assertThat(h.requestQueue()).isEqualTo(500);
        assertThat(h.metadataSize()).isEqualTo(31337L);
        assertThat(h.uploadOnly()).isTrue();
        assertThat(h.yourIp()).isEqualTo(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 33}));
        assertThat(h.toString()).doesNotContain("192.0.2.33").contains("libtorrent");
    }

    @Test
    void extendedHandshakeFieldsOfWrongTypeReadAsAbsent() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("m", "not a dict");
        d.put("v", 5);
        d.put("p", 70000);
        d.put("reqq", -1);
        d.put("yourip", "abc");
        ExtendedHandshake h = (ExtendedHandshake) single(WireBytes.create().extended(0, Bencode.encode(d)).bytes());
        assertThat(h.extensions()).isEmpty();
        assertThat(h.clientVersion()).isNull();
        assertThat(h.listenPort()).isNull();
        assertThat(h.requestQueue()).isNull();
        assertThat(h.yourIp()).isNull();
    }

    @Test
    void pexParsesAllListsIntoEndpoints() throws Exception {
        byte[] added = {127, 0, 0, 1, 0x1A, (byte) 0xE1, 10, 0, 0, 2, 0, 80, 9}; // 2 entries + 1 stray byte
        byte[] added6 = new byte[18];
        added6[15] = 1; // ::1
        added6[16] = 0x13;
        added6[17] = (byte) 0x88; // port 5000
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("added", added);
        d.put("added.f", new byte[] {0x02}); // flags only for the first
        d.put("added6", added6);
        d.put("added6.f", new byte[] {0x10});
        d.put("dropped", new byte[] {1, 2, 3, 4, 0, 1});
        PexMessage p = (PexMessage) single(WireBytes.create().extended(ExtensionIds.DEFAULT.utPex(), Bencode.encode(d))
                .bytes());
        assertThat(p.added()).containsExactly(
                new PexMessage.PexPeer(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881), 0x02),
                new PexMessage.PexPeer(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 80), 0),
                new PexMessage.PexPeer(new InetSocketAddress(InetAddress.getByName("::1"), 5000), 0x10));
        assertThat(p.added().get(0).seed()).isTrue();
        assertThat(p.dropped()).containsExactly(new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 1));
    }

    @Test
    void pexListsAreCapped() {
        PeerWireLimits limits = new PeerWireLimits(1 << 16, 3, PeerWireLimits.DEFAULT.bencode());
        EmbeddedChannel c = WireBytes.messageChannel(limits, counters);
        byte[] added = new byte[6 * 50];
        PexMessage p = (PexMessage) WireBytes.deliver(c, WireBytes.create().extended(1,
                Bencode.encode(Map.of("added", added))).bytes(), 10_000).get(0);
        assertThat(p.added()).hasSize(3);
    }

    @Test
    void utMetadataMessages() {
        int id = ExtensionIds.DEFAULT.utMetadata();
        byte[] dataMsg = concat(Bencode.encode(Map.of("msg_type", 1, "piece", 0, "total_size", 5)),
                new byte[] {1, 2, 3, 4, 5});
        byte[] data = WireBytes.create()
                .extended(id, Bencode.encode(Map.of("msg_type", 0, "piece", 2)))
                .extended(id, dataMsg)
                .extended(id, Bencode.encode(Map.of("msg_type", 2, "piece", 1)))
                .extended(id, Bencode.encode(Map.of("msg_type", 9, "piece", 1))) // unknown msg_type: passed through
                .bytes();
        List<Object> msgs = WireBytes.deliver(ch, data, data.length);
        assertThat(msgs).hasSize(4);
        assertThat(msgs.get(0)).isEqualTo(MetadataMessage.request(id, 2));
        assertThat(msgs.get(1)).isEqualTo(MetadataMessage.data(id, 0, 5, new byte[] {1, 2, 3, 4, 5}));
        assertThat(msgs.get(2)).isEqualTo(MetadataMessage.reject(id, 1));
        assertThat(msgs.get(3)).isInstanceOf(ExtendedMessage.class);
    }

    @Test
    void otherExtendedMessagesPassThrough() {
        byte[] payload = {1, 2, 3};
        assertThat(single(WireBytes.create().extended(77, payload).bytes())).isEqualTo(new ExtendedMessage(77,
                payload));
        assertThat(counters.unknownExtended()).isEqualTo(1);
    }

    @Test
    void frameAtTheLimitIsAcceptedAndOneByteMoreIsRejectedBeforeBuffering() {
        PeerWireLimits limits = PeerWireLimits.DEFAULT.withMaxFrameLength(1000);
        EmbeddedChannel ok = WireBytes.messageChannel(limits, counters);
        assertThat(WireBytes.deliver(ok, WireBytes.create().frame(5, new byte[999]).bytes(), 100)).hasSize(1);

        EmbeddedChannel big = WireBytes.messageChannel(limits, counters);
        // only the length prefix arrives: the violation must not wait for (or hold) the body
        assertThatThrownBy(() -> big.writeInbound(Unpooled.wrappedBuffer(WireBytes.create().length(1001).bytes())))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.FRAME_TOO_LARGE));
        assertThat(counters.violations(WireViolation.FRAME_TOO_LARGE)).isEqualTo(1);
        // afterwards everything is discarded, nothing is emitted
        big.writeInbound(Unpooled.wrappedBuffer(WireBytes.create().frame(1, new byte[0]).bytes()));
        assertThat(WireBytes.drain(big)).isEmpty();
    }

    @Test
    void hugeLengthPrefixIsRejected() {
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1})))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.FRAME_TOO_LARGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:1", "1:4", "4:3", "4:5", "6:11", "8:13", "9:1", "14:1", "15:2", "16:11", "17:0",
            "7:4", "20:0", "13:8"})
    void wrongBodySizesAreMalformed(String spec) {
        String[] parts = spec.split(":");
        byte[] data = WireBytes.create().frame(Integer.parseInt(parts[0]), new byte[Integer.parseInt(parts[1])])
                .bytes();
        assertThatThrownBy(() -> WireBytes.deliver(ch, data, data.length))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.MALFORMED_MESSAGE));
        assertThat(counters.violations(WireViolation.MALFORMED_MESSAGE)).isEqualTo(1);
    }

    @Test
    void pieceIndexAboveIntRangeIsMalformed() {
        byte[] data = WireBytes.create().frame(4, 0x80000000).bytes();
        assertThatThrownBy(() -> WireBytes.deliver(ch, data, data.length))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.MALFORMED_MESSAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"i5e", "d1:mi", "le", "d1:md6:ut_pexi1eee-trailing"})
    void badExtendedHandshakeIsMalformedExtended(String payload) {
        byte[] data = WireBytes.create().extended(0, payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .bytes();
        assertThatThrownBy(() -> WireBytes.deliver(ch, data, data.length))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.MALFORMED_EXTENDED));
    }

    @Test
    void badUtMetadataIsMalformedExtended() {
        byte[] data = WireBytes.create().extended(2, Bencode.encode(Map.of("msg_type", 1, "piece", 0,
                "total_size", 1))).bytes(); // data without ... data is fine (0 bytes); total_size missing below
        assertThat(WireBytes.deliver(ch, data, data.length)).hasSize(1);
        byte[] bad = WireBytes.create().extended(2, Bencode.encode(Map.of("msg_type", 1, "piece", 0))).bytes();
        assertThatThrownBy(() -> WireBytes.deliver(ch, bad, bad.length))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.MALFORMED_EXTENDED));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
