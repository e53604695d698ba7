package org.btda.protocol.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.btda.protocol.compact.CompactEndpoints;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded random and mutated BEP 15 reply datagrams through every reply decoder. Only
 * {@link TrackerResponseException} escapes; decoders never read past the datagram, and decoded announces hold no more
 * peers than its bytes allow.
 */
class UdpTrackerPacketsFuzzTest {
    private static final int INPUTS = 100_000;

    private static List<byte[]> seeds() {
        return List.of(
                ByteBuffer.allocate(16).putInt(UdpTrackerPackets.CONNECT).putInt(7).putLong(0xBEEFL).array(),
                ByteBuffer.allocate(32).putInt(UdpTrackerPackets.ANNOUNCE).putInt(7).putInt(1800).putInt(3).putInt(2)
                        .put(new byte[] {127, 0, 0, 1, 0x1f, (byte) 0x90, 10, 0, 0, 1, 0, 0}).array(),
                ByteBuffer.allocate(20).putInt(UdpTrackerPackets.SCRAPE).putInt(7).putInt(5).putInt(11).putInt(7).array(),
                ByteBuffer.allocate(30).putInt(UdpTrackerPackets.ERROR).putInt(7).put("torrent not registered".getBytes()).array());
    }

    @Test
    void onlyTrackerResponseExceptionEscapesFromAnyReplyDecoder() {
        int[] decoded = {0};
        Fuzz.run(0x15L, INPUTS, seeds(), 64, input -> {
            UdpTrackerPackets.Reply reply = UdpTrackerPackets.reply(ByteBuffer.wrap(input));
            if (reply == null) {
                assertThat(input.length).isLessThan(UdpTrackerPackets.REPLY_HEADER);
                return;
            }
            assertThat(reply.body().remaining()).isEqualTo(input.length - UdpTrackerPackets.REPLY_HEADER);
            assertThat(UdpTrackerPackets.errorMessage(reply.body().duplicate()).length())
                    .isLessThanOrEqualTo(UdpTrackerPackets.MAX_ERROR_MESSAGE);
            try {
                UdpTrackerPackets.connectionId(reply.body().duplicate());
                decoded[0]++;
            } catch (TrackerResponseException declared) {
                assertThat(input.length).isLessThan(16);
            }
            for (int entry : new int[] {CompactEndpoints.IPV4, CompactEndpoints.IPV6}) {
                try {
                    AnnounceResponse a = UdpTrackerPackets.announceReply(reply.body().duplicate(), entry);
                    decoded[0]++;
                    assertThat(a.peers().size()).isLessThanOrEqualTo((input.length - 20) / entry);
                    assertThat(a.interval().getSeconds()).isPositive();
                } catch (TrackerResponseException declared) {
                    // short or misaligned
                }
            }
            try {
                ScrapeResponse s = UdpTrackerPackets.scrapeReply(reply.body().duplicate());
                decoded[0]++;
                assertThat(s.seeders() == null || s.seeders() >= 0).isTrue();
            } catch (TrackerResponseException declared) {
                assertThat(input.length).isLessThan(20);
            }
        });
        assertThat(decoded[0]).isGreaterThan(INPUTS / 2);
    }
}
