package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;
import org.btda.protocol.tracker.UdpTrackerPackets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BEP 15 client behaviour that needs a scripted peer: the retransmission schedule (driven by an injected clock), the
 * 60 s connection id lifetime, transaction id checks, the error action and size checks. The "tracker" is a plain UDP
 * socket on 127.0.0.1 that the test answers by hand.
 */
class UdpTrackerClientTest {
    private static final InfoHash IH = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private DatagramSocket tracker;
    private UdpTrackerClient client;
    private URI url;

    @BeforeEach
    void setUp() throws Exception {
        tracker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tracker.setSoTimeout(2_000);
        url = URI.create("udp://127.0.0.1:" + tracker.getLocalPort() + "/announce");
        client = new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofSeconds(15)), InetAddress.getLoopbackAddress(), clock::get, false);
    }

    @AfterEach
    void tearDown() {
        client.close();
        tracker.close();
    }

    private record Packet(ByteBuffer data, InetSocketAddress from) {
        long connectionId() {
            return data.getLong(0);
        }

        int action() {
            return data.getInt(8);
        }

        int tid() {
            return data.getInt(12);
        }
    }

    private Packet receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        tracker.receive(p);
        return new Packet(ByteBuffer.wrap(p.getData(), 0, p.getLength()).slice(), (InetSocketAddress) p.getSocketAddress());
    }

    private void assertNothingArrives() throws Exception {
        tracker.setSoTimeout(150);
        try {
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            tracker.receive(p);
            throw new AssertionError("unexpected datagram of " + p.getLength() + " bytes");
        } catch (SocketTimeoutException expected) {
            // good
        } finally {
            tracker.setSoTimeout(2_000);
        }
    }

    private void reply(Packet to, byte[] body) throws Exception {
        tracker.send(new DatagramPacket(body, body.length, to.from()));
    }

    private static byte[] connectReply(int tid, long connectionId) {
        return ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(connectionId).array();
    }

    private static byte[] announceReply(int tid, int interval, int leechers, int seeders, byte[] peers) {
        return ByteBuffer.allocate(20 + peers.length).putInt(1).putInt(tid).putInt(interval).putInt(leechers).putInt(seeders).put(peers).array();
    }

    private AnnounceRequest request() {
        return new AnnounceRequest(IH, "-BD0100-udpudpudpudp".getBytes(StandardCharsets.US_ASCII), 6881, 1000, 200, 77, AnnounceEvent.STARTED, null);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
        client.tick();
    }

    /**
     * Waits (up to 5 s) until the client's receive thread has dropped {@code count} datagrams in all: it runs
     * concurrently with the test, so the count is read only once it has got there, however busy the machine is.
     */
    private void awaitIgnored(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.ignoredDatagrams() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(client.ignoredDatagrams()).isEqualTo(count);
    }

    @Test
    void retransmitsOnThe15TimesTwoToTheNScheduleAndGivesUpAfterN8() throws Exception {
        CompletableFuture<ScrapeResponse> f = client.scrape(url, IH);
        Packet first = receive();
        assertThat(first.connectionId()).isEqualTo(UdpTrackerPackets.PROTOCOL_ID);
        assertThat(first.action()).isZero();
        for (int n = 0; n <= 8; n++) {
            Duration wait = Duration.ofSeconds(15L << n);
            advance(wait.minusMillis(1));
            assertNothingArrives();
            advance(Duration.ofMillis(1));
            if (n < 8) {
                Packet again = receive();
                assertThat(again.tid()).as("retransmission %d keeps the transaction id", n + 1).isEqualTo(first.tid());
                assertThat(again.action()).isZero();
                assertThat(f).isNotDone();
            }
        }
        assertNothingArrives();
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TrackerException.class).hasMessageContaining("after 9 attempts");
        }
    }

    @Test
    void answersWithAnotherTransactionIdAreIgnoredAndConnectionIdIsReusedFor60Seconds() throws Exception {
        CompletableFuture<AnnounceResponse> f = client.announce(url, request());
        Packet connect = receive();
        reply(connect, connectReply(connect.tid() + 1, 0xAAAAL)); // wrong transaction id
        awaitIgnored(1);
        assertNothingArrives();
        reply(connect, connectReply(connect.tid(), 0xBEEFL));

        Packet announce = receive();
        assertThat(announce.connectionId()).isEqualTo(0xBEEFL);
        assertThat(announce.action()).isEqualTo(1);
        assertThat(announce.data().limit()).isEqualTo(98);
        assertThat(announce.data().getInt(80)).as("event started").isEqualTo(2);
        assertThat(announce.data().getInt(92)).as("numwant").isEqualTo(200);
        assertThat(announce.data().getShort(96) & 0xffff).as("port").isEqualTo(6881);
        byte[] peers = {127, 0, 0, 1, 0x1f, (byte) 0x90};
        reply(announce, announceReply(announce.tid() ^ 0x5555, 1800, 1, 0, peers)); // wrong transaction id again
        awaitIgnored(2);
        assertThat(f).isNotDone();
        reply(announce, announceReply(announce.tid(), 1800, 3, 2, peers));
        AnnounceResponse r = f.get(5, TimeUnit.SECONDS);
        assertThat(r.peers()).containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        assertThat(r.leechers()).isEqualTo(3);
        assertThat(r.seeders()).isEqualTo(2);
        assertThat(r.interval()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(client.ignoredDatagrams()).isEqualTo(2);

        // 59 s later the connection id is still good: straight to announce.
        clock.addAndGet(Duration.ofSeconds(59).toNanos());
        CompletableFuture<AnnounceResponse> again = client.announce(url, request());
        Packet direct = receive();
        assertThat(direct.action()).isEqualTo(1);
        assertThat(direct.connectionId()).isEqualTo(0xBEEFL);
        reply(direct, announceReply(direct.tid(), 1800, 0, 0, new byte[0]));
        assertThat(again.get(5, TimeUnit.SECONDS).peers()).isEmpty();

        // After 60 s it has expired: connect first.
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        client.announce(url, request());
        assertThat(receive().action()).isZero();
    }

    @Test
    void errorActionFailsWithTheTrackersMessage() throws Exception {
        CompletableFuture<AnnounceResponse> f = client.announce(url, request());
        Packet connect = receive();
        byte[] msg = "torrent not registered".getBytes(StandardCharsets.UTF_8);
        reply(connect, ByteBuffer.allocate(8 + msg.length).putInt(3).putInt(connect.tid()).put(msg).array());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertThat(e.getCause()).hasMessage("tracker error: torrent not registered");
    }

    @Test
    void shortAndMisalignedAnswersAreErrors() throws Exception {
        CompletableFuture<AnnounceResponse> f = client.announce(url, request());
        Packet connect = receive();
        reply(connect, connectReply(connect.tid(), 7));
        Packet announce = receive();
        reply(announce, ByteBuffer.allocate(12).putInt(1).putInt(announce.tid()).putInt(60).array());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertThat(e.getCause()).hasMessageContaining("expected at least 20");

        CompletableFuture<AnnounceResponse> g = client.announce(url, request());
        Packet a2 = receive();
        assertThat(a2.action()).isEqualTo(1);
        reply(a2, announceReply(a2.tid(), 60, 0, 0, new byte[7]));
        ExecutionException e2 = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> g.get(5, TimeUnit.SECONDS));
        assertThat(e2.getCause()).hasMessageContaining("not a multiple of 6");
    }

    @Test
    void answersFromAnotherAddressAreIgnored() throws Exception {
        CompletableFuture<AnnounceResponse> f = client.announce(url, request());
        Packet connect = receive();
        try (DatagramSocket imposter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] b = connectReply(connect.tid(), 99);
            imposter.send(new DatagramPacket(b, b.length, connect.from()));
        }
        awaitIgnored(1);
        assertThat(f).isNotDone();
    }
}
