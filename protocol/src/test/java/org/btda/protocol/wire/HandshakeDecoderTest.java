package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeDecoderTest {
    private static final byte[] HASH = WireBytes.filled(20, 0xAB);
    private static final byte[] PEER = "-LT2080-abcdefghijkl".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final WireCounters counters = new WireCounters();

    @Test
    void reservedBitsFollowTheBeps() {
        byte[] r = Handshake.Reserved.of(true, true, true);
        assertThat(r).containsExactly(0, 0, 0, 0, 0, 0x10, 0, 0x05);
        Handshake h = Handshake.of(HASH, PEER, false, true, false);
        assertThat(h.supportsFastExtension()).isTrue();
        assertThat(h.supportsExtensionProtocol()).isFalse();
        assertThat(h.supportsDht()).isFalse();
        assertThat(Handshake.of(HASH, PEER, true, false, true).reserved()).containsExactly(0, 0, 0, 0, 0, 0x10, 0, 1);
    }

    @Test
    void decodesHandshakeDeliveredByteByByteAndReportsInfoHashAt48Bytes() {
        EmbeddedChannel ch = WireBytes.fullChannel(true, counters);
        byte[] hs = WireBytes.handshake(Handshake.Reserved.of(true, true, false), HASH, PEER);
        for (int i = 0; i < hs.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(hs, i, 1));
            List<Object> msgs = WireBytes.drain(ch);
            if (i == Handshake.PREFIX_LENGTH - 1) {
                assertThat(msgs).containsExactly(new HandshakePrefix(Handshake.Reserved.of(true, true, false), HASH));
            } else if (i == hs.length - 1) {
                assertThat(msgs).containsExactly(new Handshake(Handshake.Reserved.of(true, true, false), HASH, PEER));
            } else {
                assertThat(msgs).as("after byte %d", i).isEmpty();
            }
        }
        assertThat(ch.pipeline().get(PeerWirePipeline.HANDSHAKE_DECODER)).isNull();
    }

    @Test
    void outgoingConnectionsGetNoPrefix() {
        EmbeddedChannel ch = WireBytes.fullChannel(false, counters);
        byte[] hs = WireBytes.handshake(new byte[8], HASH, PEER);
        assertThat(WireBytes.deliver(ch, hs, 5)).containsExactly(new Handshake(new byte[8], HASH, PEER));
    }

    @Test
    void bytesCoalescedWithTheHandshakeReachTheMessageDecoder() {
        EmbeddedChannel ch = WireBytes.fullChannel(false, counters);
        byte[] data = WireBytes.create().raw(WireBytes.handshake(new byte[8], HASH, PEER))
                .frame(5, new byte[] {(byte) 0xf0}).frame(4, 3).length(0).bytes();
        assertThat(WireBytes.deliver(ch, data, data.length)).containsExactly(new Handshake(new byte[8], HASH, PEER),
                new PeerMessage.Bitfield(new byte[] {(byte) 0xf0}), new PeerMessage.Have(3),
                PeerMessage.KeepAlive.INSTANCE);
    }

    @Test
    void wrongPstrlenIsRejectedOnTheFirstByte() {
        EmbeddedChannel ch = WireBytes.fullChannel(true, counters);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {18})))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.BAD_HANDSHAKE));
        assertThat(counters.violations(WireViolation.BAD_HANDSHAKE)).isEqualTo(1);
        // the decoder stays in place and swallows the rest: nothing reaches the message decoder
        ch.writeInbound(Unpooled.wrappedBuffer(WireBytes.create().frame(1, new byte[0]).bytes()));
        assertThat(WireBytes.drain(ch)).isEmpty();
    }

    @Test
    void wrongPstrIsRejectedBeforeTheHandshakeIsComplete() {
        EmbeddedChannel ch = WireBytes.fullChannel(true, counters);
        byte[] hs = WireBytes.handshake(new byte[8], HASH, PEER);
        hs[10] = 'X';
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hs, 0, 11)))
                .isInstanceOfSatisfying(PeerWireException.class,
                        e -> assertThat(e.violation()).isEqualTo(WireViolation.BAD_HANDSHAKE));
    }

    @Test
    void encoderWritesTheExact68Bytes() {
        EmbeddedChannel ch = WireBytes.fullChannel(false, counters);
        Handshake h = Handshake.of(HASH, PEER, true, true, false);
        ch.writeOutbound(h);
        assertThat(WireBytes.outbound(ch)).containsExactly(
                WireBytes.handshake(Handshake.Reserved.of(true, true, false), HASH, PEER));
    }

    @Test
    void haveNonePolicyNeedsBothFastBits() {
        Handshake fast = Handshake.of(HASH, PEER, true, true, false);
        Handshake slow = Handshake.of(HASH, PEER, true, false, false);
        assertThat(PeerWirePipeline.shouldSendHaveNone(fast, fast)).isTrue();
        assertThat(PeerWirePipeline.shouldSendHaveNone(fast, slow)).isFalse();
        assertThat(PeerWirePipeline.shouldSendHaveNone(slow, fast)).isFalse();
    }
}
