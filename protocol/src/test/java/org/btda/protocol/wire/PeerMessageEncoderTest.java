package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PeerMessageEncoderTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);

    private byte[] encode(PeerMessage m) {
        ch.writeOutbound(m);
        return WireBytes.outbound(ch);
    }

    @Test
    void keepAliveAndHaveNone() {
        assertThat(encode(PeerMessage.KeepAlive.INSTANCE)).containsExactly(0, 0, 0, 0);
        assertThat(encode(PeerMessage.HaveNone.INSTANCE)).containsExactly(0, 0, 0, 1, 0x0F);
        assertThat(encode(PeerMessage.Interested.INSTANCE)).containsExactly(0, 0, 0, 1, 2);
    }

    @Test
    void btdaExtendedHandshakeBytes() {
        byte[] out = encode(ExtendedHandshake.forBtda(ExtensionIds.DEFAULT, true, true, 6881, 250));
        String expected = "d1:md11:ut_metadatai2e6:ut_pexi1ee1:pi6881e4:reqqi250e1:v8:btda 0.1e";
        assertThat(out).containsExactly(WireBytes.create().extended(0, expected.getBytes(StandardCharsets.US_ASCII))
                .bytes());
    }

    @Test
    void extendedHandshakeWithoutOptionalParts() {
        byte[] out = encode(ExtendedHandshake.forBtda(ExtensionIds.DEFAULT, false, true, null, 1));
        String expected = "d1:md11:ut_metadatai2ee4:reqqi1e1:v8:btda 0.1e";
        assertThat(out).containsExactly(WireBytes.create().extended(0, expected.getBytes(StandardCharsets.US_ASCII))
                .bytes());
    }

    @Test
    void utMetadataMessagesUseThePeersId() {
        assertThat(encode(MetadataMessage.request(3, 1))).containsExactly(WireBytes.create()
                .extended(3, "d8:msg_typei0e5:piecei1ee".getBytes(StandardCharsets.US_ASCII)).bytes());
        assertThat(encode(MetadataMessage.reject(3, 0))).containsExactly(WireBytes.create()
                .extended(3, "d8:msg_typei2e5:piecei0ee".getBytes(StandardCharsets.US_ASCII)).bytes());
        assertThat(encode(MetadataMessage.data(4, 0, 3, new byte[] {'a', 'b', 'c'}))).containsExactly(WireBytes
                .create().extended(4, "d8:msg_typei1e5:piecei0e10:total_sizei3eeabc"
                        .getBytes(StandardCharsets.US_ASCII)).bytes());
    }

    @Test
    void encodedMessagesDecodeBackToEqualMessages() {
        List<PeerMessage> msgs = List.of(PeerMessage.KeepAlive.INSTANCE, PeerMessage.HaveNone.INSTANCE,
                ExtendedHandshake.forBtda(ExtensionIds.DEFAULT, true, true, 51413, 250),
                MetadataMessage.data(ExtensionIds.DEFAULT.utMetadata(), 2, 40000, new byte[16384]),
                new ExtendedMessage(99, new byte[] {1, 2}));
        msgs.forEach(ch::writeOutbound);
        byte[] wire = WireBytes.outbound(ch);
        EmbeddedChannel in = WireBytes.messageChannel(PeerWireLimits.DEFAULT, new WireCounters());
        assertThat(WireBytes.deliver(in, wire, 13)).containsExactlyElementsOf(msgs);
    }

    static List<PeerMessage> forbidden() {
        return List.of(new PeerMessage.Have(0), new PeerMessage.Bitfield(new byte[1]), PeerMessage.HaveAll.INSTANCE,
                new PeerMessage.Request(0, 0, 16384), new PeerMessage.Piece(0, 0, 0),
                new PeerMessage.Cancel(0, 0, 1), new PeerMessage.SuggestPiece(1), new PeerMessage.AllowedFast(1));
    }

    @ParameterizedTest
    @MethodSource("forbidden")
    void refusesMessagesThatClaimOrMoveData(PeerMessage m) {
        assertThatThrownBy(() -> ch.writeOutbound(m)).isInstanceOf(EncoderException.class)
                .hasMessageContaining("btda never sends");
        assertThat(WireBytes.outbound(ch)).isEmpty();
    }
}
