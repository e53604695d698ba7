package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.btda.harvester.testing.RealTracker;
import org.btda.harvester.testing.TestTorrents;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP and UDP clients against real trackers on loopback (opentracker and bittorrent-tracker): another peer
 * announces first, then btda's announce must return it, and the scrape must count both.
 */
class RealTrackerClientTest {
    private static final int CASES = 4;
    private static final List<InfoHash> HASHES = new ArrayList<>();
    private static RealTracker opentracker;
    private static RealTracker nodeTracker;
    private static TrackerClients client;
    private static int next;

    @BeforeAll
    static void start() throws Exception {
        List<String> hex = new ArrayList<>();
        for (int i = 0; i < CASES * 2; i++) {
            InfoHash h = TestTorrents.metainfo("real-" + i, List.of()).infoHash();
            HASHES.add(h);
            hex.add(h.hex());
        }
        opentracker = RealTracker.opentracker(hex);
        nodeTracker = RealTracker.nodeTracker();
        client = new TrackerClients(new HttpTrackerClient(Duration.ofSeconds(5)),
                new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofMillis(500)), InetAddress.getLoopbackAddress()));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (opentracker != null) {
            opentracker.close();
        }
        if (nodeTracker != null) {
            nodeTracker.close();
        }
    }

    static Stream<Arguments> trackers() {
        return Stream.of(
                Arguments.of("opentracker", "http"), Arguments.of("opentracker", "udp"),
                Arguments.of("bittorrent-tracker", "http"), Arguments.of("bittorrent-tracker", "udp"));
    }

    private static synchronized InfoHash nextHash() {
        return HASHES.get(next++);
    }

    private static byte[] peerId(String twelve) {
        return ("-BD0100-" + twelve).getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("trackers")
    void announceReturnsThePeerThatAnnouncedFirstAndScrapeCountsBoth(String trackerName, String scheme) throws Exception {
        RealTracker tracker = trackerName.equals("opentracker") ? opentracker : nodeTracker;
        URI url = URI.create(scheme.equals("http") ? tracker.httpAnnounce() : tracker.udpAnnounce());
        InfoHash ih = nextHash();

        AnnounceRequest other = new AnnounceRequest(ih, peerId("OTHERPEER001"), 40001, 1000, 50, 0x1234, AnnounceEvent.STARTED, null);
        AnnounceResponse first = client.announce(url, other).get(10, TimeUnit.SECONDS);
        assertThat(first.interval()).isPositive();

        AnnounceRequest ours = new AnnounceRequest(ih, peerId("HARVESTER001"), 40002, 1000, 200, 0x5678, AnnounceEvent.STARTED, null);
        AnnounceResponse resp = client.announce(url, ours).get(10, TimeUnit.SECONDS);
        assertThat(resp.peers()).as("peers from %s", url)
                .contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40001));
        assertThat(resp.leechers()).as("leechers").isEqualTo(2);
        assertThat(resp.seeders()).as("seeders").isZero();

        ScrapeResponse scrape = client.scrape(url, ih).get(10, TimeUnit.SECONDS);
        assertThat(scrape.leechers()).isEqualTo(2);
        assertThat(scrape.seeders()).isZero();
        assertThat(scrape.completed()).isZero();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("trackers")
    void seederAnnouncingCompletedIsCountedAsSeederAndCompleted(String trackerName, String scheme) throws Exception {
        RealTracker tracker = trackerName.equals("opentracker") ? opentracker : nodeTracker;
        URI url = URI.create(scheme.equals("http") ? tracker.httpAnnounce() : tracker.udpAnnounce());
        InfoHash ih = nextHash();
        byte[] seedId = peerId("SEEDPEER0001");
        client.announce(url, new AnnounceRequest(ih, seedId, 40011, 1000, 50, 1, AnnounceEvent.STARTED, null)).get(10, TimeUnit.SECONDS);
        client.announce(url, new AnnounceRequest(ih, seedId, 40011, 0, 50, 1, AnnounceEvent.COMPLETED, null)).get(10, TimeUnit.SECONDS);

        AnnounceResponse resp = client.announce(url,
                new AnnounceRequest(ih, peerId("HARVESTER002"), 40012, 1000, 200, 2, AnnounceEvent.STARTED, null)).get(10, TimeUnit.SECONDS);
        assertThat(resp.peers()).contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40011));
        assertThat(resp.seeders()).isEqualTo(1);

        ScrapeResponse scrape = client.scrape(url, ih).get(10, TimeUnit.SECONDS);
        assertThat(scrape.seeders()).isEqualTo(1);
        assertThat(scrape.leechers()).isEqualTo(1);
        assertThat(scrape.completed()).isEqualTo(1);
    }
}
