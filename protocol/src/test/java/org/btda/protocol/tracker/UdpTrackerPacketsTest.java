package org.btda.protocol.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** BEP 15 packet layouts, field by field, and the reply decoders' checks. */
class UdpTrackerPacketsTest {
    @Test
    void requestLayouts() {
        ByteBuffer c = ByteBuffer.wrap(UdpTrackerPackets.connect(42));
        assertThat(c.limit()).isEqualTo(16);
        assertThat(c.getLong(0)).isEqualTo(0x41727101980L);
        assertThat(c.getInt(8)).isEqualTo(0);
        assertThat(c.getInt(12)).isEqualTo(42);

        byte[] ih = new byte[20];
        ih[0] = 9;
        byte[] peerId = "-BD0100-abcdefghijkl".getBytes();
        ByteBuffer a = ByteBuffer.wrap(UdpTrackerPackets.announce(0xBEEFL, 43,
                new UdpTrackerPackets.Announce(ih, peerId, 1000, 2, 77, 200, 6881)));
        assertThat(a.limit()).isEqualTo(98);
        assertThat(a.getLong(0)).isEqualTo(0xBEEFL);
        assertThat(a.getInt(8)).isEqualTo(1);
        assertThat(a.getInt(12)).isEqualTo(43);
        assertThat(a.get(16)).isEqualTo((byte) 9);
        assertThat(a.get(36)).isEqualTo((byte) '-');
        assertThat(a.getLong(64)).as("left").isEqualTo(1000);
        assertThat(a.getInt(80)).as("event").isEqualTo(2);
        assertThat(a.getInt(88)).as("key").isEqualTo(77);
        assertThat(a.getInt(92)).as("numwant").isEqualTo(200);
        assertThat(a.getShort(96) & 0xffff).as("port").isEqualTo(6881);

        ByteBuffer s = ByteBuffer.wrap(UdpTrackerPackets.scrape(0xBEEFL, 44, ih));
        assertThat(s.limit()).isEqualTo(36);
        assertThat(s.getInt(8)).isEqualTo(2);
        assertThat(s.get(16)).isEqualTo((byte) 9);
    }

    @Test
    void repliesDecode() throws Exception {
        UdpTrackerPackets.Reply r = UdpTrackerPackets.reply(ByteBuffer.allocate(16).putInt(0).putInt(5).putLong(0xAAL).flip());
        assertThat(r.action()).isZero();
        assertThat(r.transactionId()).isEqualTo(5);
        assertThat(UdpTrackerPackets.connectionId(r.body())).isEqualTo(0xAAL);

        ByteBuffer body = ByteBuffer.allocate(18).putInt(1800).putInt(3).putInt(-1).put(new byte[] {127, 0, 0, 1, 0x1f, (byte) 0x90}).flip();
        AnnounceResponse a = UdpTrackerPackets.announceReply(body, 6);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(a.leechers()).isEqualTo(3);
        assertThat(a.seeders()).as("negative reads as absent").isNull();
        assertThat(a.peers()).containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));

        assertThat(UdpTrackerPackets.scrapeReply(ByteBuffer.allocate(12).putInt(5).putInt(11).putInt(7).flip()))
                .isEqualTo(new ScrapeResponse(5, 7, 11));
        assertThat(UdpTrackerPackets.errorMessage(ByteBuffer.wrap("no".getBytes()))).isEqualTo("no");
    }

    @Test
    void shortAndMisalignedRepliesAreErrors() {
        assertThat(UdpTrackerPackets.reply(ByteBuffer.allocate(7))).isNull();
        assertThatThrownBy(() -> UdpTrackerPackets.connectionId(ByteBuffer.allocate(7)))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("expected 16");
        assertThatThrownBy(() -> UdpTrackerPackets.announceReply(ByteBuffer.allocate(11), 6))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("expected at least 20");
        assertThatThrownBy(() -> UdpTrackerPackets.announceReply(ByteBuffer.allocate(19), 6))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("not a multiple of 6");
        assertThatThrownBy(() -> UdpTrackerPackets.scrapeReply(ByteBuffer.allocate(11)))
                .isInstanceOf(TrackerResponseException.class).hasMessageContaining("expected at least 20");
    }
}
