package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.btda.harvester.testing.RealTracker;
import org.btda.harvester.testing.TestTorrents;
import org.btda.protocol.compact.CompactEndpoints;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.junit.jupiter.api.Test;

/**
 * Trackers reached over IPv6 on {@code ::1}: BEP 7 {@code peers6} from a real bittorrent-tracker over HTTP, and BEP 15's
 * IPv6 form (18-byte peer entries when the tracker is reached over IPv6) from a scripted UDP tracker, because none of
 * the real trackers here sends it (Debian's opentracker is built IPv4-only; bittorrent-tracker's UDP answers carry only
 * IPv4 peers).
 */
class Ipv6TrackerClientTest {
    private static final InetAddress LOOPBACK6 = loopback6();

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] peerId(String twelve) {
        return ("-BD0100-" + twelve).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void httpTrackerOverIpv6AnswersThePeerThatAnnouncedFirstInPeers6() throws Exception {
        InfoHash ih = TestTorrents.metainfo("ipv6-http", List.of()).infoHash();
        try (RealTracker tracker = RealTracker.nodeTracker6();
                TrackerClients client = new TrackerClients(new HttpTrackerClient(Duration.ofSeconds(5)),
                        new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofMillis(500)), LOOPBACK6))) {
            URI http = URI.create(tracker.httpAnnounce());
            assertThat(http.getHost()).isEqualTo("[::1]");
            client.announce(http, new AnnounceRequest(ih, peerId("OTHERPEER006"), 40061, 1000, 50, 1,
                    AnnounceEvent.STARTED, null)).get(10, TimeUnit.SECONDS);
            AnnounceResponse resp = client.announce(http, new AnnounceRequest(ih, peerId("HARVESTER006"), 40062, 1000,
                    200, 2, AnnounceEvent.STARTED, null)).get(10, TimeUnit.SECONDS);
            assertThat(resp.peers()).as("peers6 of %s (log: %s)", http, tracker.log())
                    .contains(new InetSocketAddress(LOOPBACK6, 40061));
            assertThat(resp.leechers()).isEqualTo(2);

            // The same tracker over UDP on [::1]: the exchange runs over IPv6 and counts both peers.
            URI udp = URI.create(tracker.udpAnnounce());
            AnnounceResponse overUdp = client.announce(udp, new AnnounceRequest(ih, peerId("HARVESTER007"), 40063, 1000,
                    200, 3, AnnounceEvent.STARTED, null)).get(10, TimeUnit.SECONDS);
            assertThat(overUdp.leechers()).isEqualTo(3);
            assertThat(overUdp.peers()).noneMatch(p -> p.getAddress().getAddress().length == 4);
        }
    }

    @Test
    void udpTrackerReachedOverIpv6AnswersEighteenBytePeers() throws Exception {
        InetSocketAddress p1 = new InetSocketAddress(InetAddress.getByName("fd00:198:18::11"), 6881);
        InetSocketAddress p2 = new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 51413);
        try (DatagramSocket tracker = new DatagramSocket(new InetSocketAddress(LOOPBACK6, 0));
                UdpTrackerClient client = new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofSeconds(15)), LOOPBACK6)) {
            tracker.setSoTimeout(10_000);
            URI url = URI.create("udp://[::1]:" + tracker.getLocalPort() + "/announce");
            CompletableFuture<AnnounceResponse> f = client.announce(url, new AnnounceRequest(
                    InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567"), peerId("udpudpudpudp"), 6881, 1000, 200,
                    77, AnnounceEvent.STARTED, null));

            DatagramPacket connect = receive(tracker);
            assertThat(((InetSocketAddress) connect.getSocketAddress()).getAddress()).isEqualTo(LOOPBACK6);
            ByteBuffer c = ByteBuffer.wrap(connect.getData(), 0, connect.getLength());
            send(tracker, connect, ByteBuffer.allocate(16).putInt(0).putInt(c.getInt(12)).putLong(0x5eedL).array());

            DatagramPacket announce = receive(tracker);
            ByteBuffer a = ByteBuffer.wrap(announce.getData(), 0, announce.getLength());
            assertThat(a.getLong(0)).isEqualTo(0x5eedL);
            byte[] peers = new byte[2 * CompactEndpoints.IPV6];
            CompactEndpoints.write(p1, peers, 0);
            CompactEndpoints.write(p2, peers, CompactEndpoints.IPV6);
            send(tracker, announce, ByteBuffer.allocate(20 + peers.length).putInt(1).putInt(a.getInt(12)).putInt(1800)
                    .putInt(2).putInt(1).put(peers).array());

            AnnounceResponse resp = f.get(10, TimeUnit.SECONDS);
            assertThat(resp.peers()).containsExactly(p1, p2);
            assertThat(resp.seeders()).isEqualTo(1);
        }
    }

    private static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return p;
    }

    private static void send(DatagramSocket s, DatagramPacket to, byte[] body) throws Exception {
        s.send(new DatagramPacket(body, body.length, to.getSocketAddress()));
    }
}
