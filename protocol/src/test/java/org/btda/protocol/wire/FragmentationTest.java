package org.btda.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.btda.protocol.bencode.Bencode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same stream (handshake + every message type) must decode identically whatever the TCP segmentation. */
class FragmentationTest {
    private static final byte[] HASH = WireBytes.filled(20, 7);
    private static final byte[] PEER = WireBytes.filled(20, 'p');

    private static byte[] stream() {
        byte[] piece = new byte[8 + 3000];
        piece[3] = 2;
        return WireBytes.create()
                .raw(WireBytes.handshake(Handshake.Reserved.of(true, true, true), HASH, PEER))
                .extended(0, Bencode.encode(Map.of("m", Map.of("ut_pex", 5), "v", "x", "p", 1234)))
                .frame(0x0E, new byte[0]).frame(0x0F, new byte[0])
                .frame(5, new byte[] {(byte) 0xAA, 0x55}).frame(4, 9).length(0)
                .frame(0, new byte[0]).frame(1, new byte[0]).frame(2, new byte[0]).frame(3, new byte[0])
                .frame(6, 1, 2, 3).frame(7, piece).frame(8, 4, 5, 6).frame(9, new byte[] {0, 80})
                .frame(0x0D, 11).frame(0x10, 7, 8, 9).frame(0x11, 12).frame(0x63, new byte[500])
                .extended(1, Bencode.encode(Map.of("added", new byte[] {127, 0, 0, 1, 0, 1})))
                .extended(2, Bencode.encode(Map.of("msg_type", 2, "piece", 0)))
                .extended(33, new byte[] {42})
                .bytes();
    }

    private static List<Object> expected() throws Exception {
        return List.of(new Handshake(Handshake.Reserved.of(true, true, true), HASH, PEER),
                new ExtendedHandshake(Map.of("ut_pex", 5), "x", 1234, null, null, false, null),
                PeerMessage.HaveAll.INSTANCE, PeerMessage.HaveNone.INSTANCE,
                new PeerMessage.Bitfield(new byte[] {(byte) 0xAA, 0x55}), new PeerMessage.Have(9),
                PeerMessage.KeepAlive.INSTANCE, PeerMessage.Choke.INSTANCE, PeerMessage.Unchoke.INSTANCE,
                PeerMessage.Interested.INSTANCE, PeerMessage.NotInterested.INSTANCE,
                new PeerMessage.Request(1, 2, 3), new PeerMessage.Piece(2, 0, 3000), new PeerMessage.Cancel(4, 5, 6),
                new PeerMessage.Port(80), new PeerMessage.SuggestPiece(11), new PeerMessage.RejectRequest(7, 8, 9),
                new PeerMessage.AllowedFast(12),
                new PexMessage(List.of(new PexMessage.PexPeer(new java.net.InetSocketAddress(
                        java.net.InetAddress.getByName("127.0.0.1"), 1), 0)), List.of()),
                MetadataMessage.reject(2, 0), new ExtendedMessage(33, new byte[] {42}));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 67, 68, 69, 1000, 1 << 20})
    void anySegmentationGivesTheSameMessages(int chunk) throws Exception {
        WireCounters counters = new WireCounters();
        List<Object> msgs = WireBytes.deliver(WireBytes.fullChannel(false, counters), stream(), chunk);
        assertThat(msgs).containsExactlyElementsOf(expected());
        assertThat(counters.unknownMessages()).isEqualTo(1);
        assertThat(counters.discardedPieces()).isEqualTo(1);
    }
}
