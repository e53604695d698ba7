package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.Discovery;
import org.btda.events.HarvestKind;
import org.btda.events.HarvestRequest;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;
import org.btda.events.TorrentSource;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.Test;

/** The sink on the real broker and the real ClickHouse, including ClickHouse going away for 60 s mid-run. */
class ClickHouseSinkTest {
    private static final Random RANDOM = new Random();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final int OUTAGE_BURSTS = 10;
    private static final byte[] SEALED = {1, 2, 3, (byte) 0xfe, (byte) 0xed, (byte) 0xfa, (byte) 0xce};

    @Test
    void copiesEveryTopicAndLosesNoRowWhenClickHouseIsStoppedAndRestarted() throws Exception {
        LocalClickHouse ch = LocalClickHouse.shared();
        TestKafka kafka = TestKafka.shared();
        Settings settings = TestTopics.isolatedSettings(kafka, "clickhouse.batch-size", "150", "clickhouse.flush-interval", "200ms");
        Topics topics = new Topics(KafkaConfig.from(settings));
        String ih = hex(20);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofDays(1));

        ClickHouseSinkService service = new ClickHouseSinkService(ch.sinkConfig(settings));
        service.start();
        try (KafkaProducer<String, byte[]> p = TestTopics.producer(kafka)) {
            TestTopics.send(p, topics.torrents(), ih, torrent(ih, t0));
            for (int i = 0; i < 3; i++) TestTopics.send(p, topics.harvestRequests(), ih, harvest(ih, "h-" + ih + "-" + i, t0));
            for (int i = 0; i < 1000; i++) TestTopics.send(p, topics.observations(), ih + ":pk" + (i % 50), observation(ih, i, t0));
            TestTopics.send(p, topics.outPeers(), ih + ":pk0", summary(ih, 1, t0));
            TestTopics.send(p, topics.outPeers(), ih + ":pk0", summary(ih, 2, t0));
            TestTopics.send(p, topics.confirmedDownloads(), ih + ":pk0", confirmed(ih, 1, t0.plusSeconds(600)));
            TestTopics.send(p, topics.outDiscoveries(), ih + ":pk0", discovery(ih, "0-1", PeerSource.TRACKER, true, t0));
            TestTopics.send(p, topics.outDiscoveries(), ih + ":pk0", discovery(ih, "0-2", PeerSource.DHT, false, t0.plusSeconds(1)));
            p.flush();
            assertThat(waitForCount(ch, "observations", ih, 1000)).isEqualTo(1000);

            // the acceptance criterion: ClickHouse gone for a whole minute mid-run, producers carrying on meanwhile
            long stoppedAt = System.nanoTime();
            ch.stop();
            long failuresDuringOutage;
            try {
                int next = 1000;
                for (int burst = 0; burst < OUTAGE_BURSTS; burst++) {
                    for (int end = next + 1000 / OUTAGE_BURSTS; next < end; next++) {
                        TestTopics.send(p, topics.observations(), ih + ":pk" + (next % 50), observation(ih, next, t0));
                    }
                    if (burst == OUTAGE_BURSTS / 2) TestTopics.send(p, topics.confirmedDownloads(), ih + ":pk0", confirmed(ih, 2, t0.plusSeconds(300)));
                    p.flush();
                    long burstEnd = stoppedAt + OUTAGE.toNanos() * (burst + 1) / OUTAGE_BURSTS;
                    // the outage lasts its full length: a sleep rounded down to whole milliseconds ended it up to 1 ms early
                    for (long left; (left = burstEnd - System.nanoTime()) > 0; ) TimeUnit.NANOSECONDS.sleep(left);
                }
                assertThat(next).isEqualTo(2000);
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThanOrEqualTo(OUTAGE);
                // the backoff (250 ms doubling, capped) fits 7 retries into a minute; several of them show the sink kept
                // retrying. Waited for, not read once: on a busy machine the first failed insert may come late, and the
                // outage simply lasts until the retries have been seen
                long retryDeadline = System.nanoTime() + WAIT.toNanos();
                while (service.sink().insertFailures() < 5 && System.nanoTime() < retryDeadline) Thread.sleep(100);
                failuresDuringOutage = service.sink().insertFailures();
                assertThat(failuresDuringOutage).as("inserts keep failing and being retried while ClickHouse is down").isGreaterThanOrEqualTo(5);
                assertThat(sinkThreadAlive()).as("sink thread survives the outage").isTrue();
            } finally {
                ch.start();
            }
            assertThat(waitForCount(ch, "observations", ih, 2000)).isEqualTo(2000);
            // 1 torrent + 3 harvests + 2000 observations + 2 summaries + 2 confirmed + 2 discoveries: all offsets committed again
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (service.sink().recordsCommitted() < 2010 && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(service.sink().recordsCommitted()).as("the sink resumes committing after the outage").isGreaterThanOrEqualTo(2010);
        } finally {
            service.close();
        }

        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count() FROM btda.observations FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(2000);
            assertThat(count(st, "SELECT uniqExact(observed_at, peer_key) FROM btda.observations WHERE info_hash = '" + ih + "'")).isEqualTo(2000);
            assertThat(count(st, "SELECT count() FROM btda.harvest_requests FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(3);
            assertThat(count(st, "SELECT count() FROM btda.torrents FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(1);
            assertThat(count(st, "SELECT max(version) FROM btda.peers FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(2);
            assertThat(count(st, "SELECT count() FROM btda.peers FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(1);
            try (ResultSet rs = st.executeQuery("SELECT version, toUnixTimestamp64Milli(crossed_at) FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + ih + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(2);
                assertThat(rs.getLong(2)).isEqualTo(t0.plusSeconds(300).toEpochMilli());
                assertThat(rs.next()).as("one row per (torrent, peer)").isFalse();
            }
            assertThat(count(st, "SELECT sum(is_new) FROM btda.discoveries FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(1);
            assertThat(count(st, "SELECT count() FROM btda.discoveries FINAL WHERE info_hash = '" + ih + "'")).isEqualTo(2);
            // the hourly view derived from the de-duplicated rows counts the one download once
            assertThat(count(st, "SELECT sum(downloads) FROM btda.downloads_hourly WHERE info_hash = '" + ih + "'")).isEqualTo(1);
            // no column of an observation row carries the sealed endpoint in any form
            String sealedHex = HexFormat.of().formatHex(SEALED);
            try (ResultSet rs = st.executeQuery("SELECT * FROM btda.observations WHERE info_hash = '" + ih + "' LIMIT 50")) {
                ResultSetMetaData md = rs.getMetaData();
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String v = rs.getString(i);
                        if (v != null) assertThat(v.toLowerCase()).doesNotContain(sealedHex);
                    }
                }
                assertThat(rows).isEqualTo(50);
            }
        }
    }

    /**
     * With a batch being inserted while the next one fills, every commit must still cover only rows ClickHouse holds,
     * and commits must go out in order. One partition, so record i has offset i and its request id says which.
     */
    @Test
    void commitsOnlyOffsetsWhoseRowsAreInClickHouseInOrderWhilePipelining() throws Exception {
        LocalClickHouse ch = LocalClickHouse.shared();
        TestKafka kafka = TestKafka.shared();
        Settings settings = TestTopics.isolatedSettings(kafka, "kafka.partitions", "1", "clickhouse.batch-size", "97",
                "clickhouse.flush-interval", "30ms");
        Topics topics = new Topics(KafkaConfig.from(settings));
        String ih = hex(20);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofDays(1));
        int n = 3000;
        List<Long> committed = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

        ClickHouseSinkService service = new ClickHouseSinkService(ch.sinkConfig(settings));
        service.start();
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            service.sink().onCommit(offsets -> offsets.forEach((tp, o) -> {
                if (!tp.topic().equals(topics.observations())) return;
                if (!committed.isEmpty() && o.offset() <= committed.get(committed.size() - 1)) {
                    violations.add("commit " + o.offset() + " after " + committed.get(committed.size() - 1));
                }
                committed.add(o.offset());
                String sql = "SELECT uniqExact(request_id) FROM btda.observations WHERE info_hash = '" + ih
                        + "' AND request_id LIKE 'ord-%' AND toUInt64OrZero(substring(request_id, 5)) < " + o.offset();
                SQLException last = null;
                for (int attempt = 0; attempt < 3; attempt++) {      // a pooled connection may predate a server restart
                    try {
                        long present = count(st, sql);
                        if (present != o.offset()) violations.add("offset " + o.offset() + " committed with " + present + " rows in ClickHouse");
                        last = null;
                        break;
                    } catch (SQLException e) {
                        last = e;
                    }
                }
                if (last != null) violations.add("query failed: " + last);
            }));
            try (KafkaProducer<String, byte[]> p = TestTopics.producer(kafka)) {
                for (int i = 0; i < n; i++) {
                    Observation o = Observation.newBuilder(observation(ih, i, t0)).setRequestId("ord-" + i).build();
                    TestTopics.send(p, topics.observations(), ih + ":pk" + (i % 50), o);
                    if (i % 500 == 499 && i + 1 < n) {
                        // several batches, not one, however fast ClickHouse answers: the next 500 records go out only
                        // once these are committed (a batch grows while its predecessor is in flight, so a sleep here
                        // would give fewer commits on a slow machine)
                        p.flush();
                        awaitCommitted(committed, i + 1);
                    }
                }
                p.flush();
            }
            assertThat(waitForCount(ch, "observations", ih, n)).isEqualTo(n);
            awaitCommitted(committed, n);
        } finally {
            service.close();
        }
        assertThat(violations).isEmpty();
        assertThat(committed.get(committed.size() - 1)).isEqualTo(n);
        // Each block of 500 records waited for its commit, so there are at least n / 500 commits whatever the speed of
        // ClickHouse; within a block, batches of 97 rows pipeline (one inserted while the next fills).
        assertThat(committed.size()).as("several batches committed").isGreaterThanOrEqualTo(n / 500);
    }

    /** Waits (bounded) until the last commit seen reaches {@code offset}. */
    private static void awaitCommitted(List<Long> committed, long offset) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((committed.isEmpty() || committed.get(committed.size() - 1) < offset) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(committed).as("a commit reaching offset " + offset).isNotEmpty();
        assertThat(committed.get(committed.size() - 1)).as("last commit").isGreaterThanOrEqualTo(offset);
    }

    private static boolean sinkThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("clickhouse-sink") && t.isAlive());
    }

    private static long waitForCount(LocalClickHouse ch, String table, String ih, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long n = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = ch.connect(); Statement st = c.createStatement()) {
                n = count(st, "SELECT count() FROM btda." + table + " FINAL WHERE info_hash = '" + ih + "'");
                if (n >= expected) return n;
            } catch (SQLException e) {
                // ClickHouse still starting
            }
            Thread.sleep(200);
        }
        return n;
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static TorrentRegistered torrent(String ih, Instant t0) {
        return TorrentRegistered.newBuilder().setInfoHash(ih).setName("name \"quoted\" \\ ünïcode").setPieceLength(16384)
                .setPieceCount(100).setTotalSize(1_638_400).setFileCount(2).setPrivate$(false)
                .setTrackers(List.of(List.of("http://127.0.0.1:6969/announce"), List.of("udp://127.0.0.1:6969")))
                .setSource(TorrentSource.FILE).setOrigin("x.torrent").setMonitored(true).setEventTime(t0).build();
    }

    static HarvestRequest harvest(String ih, String id, Instant t0) {
        return HarvestRequest.newBuilder().setId(id).setInfoHash(ih).setKind(HarvestKind.ANNOUNCE)
                .setTarget("http://127.0.0.1:6969/announce").setStartedAt(t0).setDurationMs(12).setPeersReceived(5)
                .setPeersNew(3).setDuplicates(2).setSeeders(1).setLeechers(4).build();
    }

    static Observation observation(String ih, int i, Instant t0) {
        return Observation.newBuilder().setRequestId(i % 7 == 0 ? null : "req-" + i).setInfoHash(ih).setPeerKey("pk" + (i % 50))
                .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(t0.plusMillis(i)).setSource(PeerSource.TRACKER)
                .setSuccess(i % 5 != 0).setPieces(i % 3 == 0 ? null : i % 100).setTotalPieces(100).setPieceLength(16384)
                .setPeerId(ByteBuffer.wrap("-TR4050-abcdefghijkl".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .setClient("Transmission 4.0.5").setExtMessages(Map.of("ut_metadata", 3, "ut_pex", 1))
                .setMessagesReceived(3).setSessionMs(900).setLongestGapMs(400)
                .setSealedEndpoint(ByteBuffer.wrap(SEALED)).setNetwork("198.51.100.0/24").setEvaluator("ev-1").build();
    }

    static PeerSummary summary(String ih, long version, Instant t0) {
        return PeerSummary.newBuilder().setInfoHash(ih).setPeerKey("pk0").setIdentity(IdentityKind.LISTEN_PORT)
                .setFirstSource(PeerSource.TRACKER).setSources(List.of(PeerSource.TRACKER, PeerSource.DHT)).setFirstSeenAt(t0)
                .setDiscoveries(2).setDuplicates(1).setFirstContactAt(t0).setFirstPieces(1).setLastContactAt(t0.plusSeconds(60 * version))
                .setLastPieces((int) version * 10).setTotalPieces(100).setPieceLength(16384).setMaxSpeedBps(1000 * version)
                .setContacts((int) version).setFailures(0).setConsecutiveFailures(0).setParked(false)
                .setUpdatedAt(t0).setVersion(version).build();
    }

    static ConfirmedDownload confirmed(String ih, long version, Instant crossed) {
        return ConfirmedDownload.newBuilder().setInfoHash(ih).setPeerKey("pk0").setClient("Transmission 4.0.5")
                .setCrossedAt(crossed).setLastBelowAt(crossed.minusSeconds(60)).setPiecesBelow(50).setPiecesAtCrossing(99)
                .setTotalPieces(100).setThreshold(0.98).setVersion(version).build();
    }

    static Discovery discovery(String ih, String id, PeerSource source, boolean isNew, Instant at) {
        return Discovery.newBuilder().setId(id).setInfoHash(ih).setPeerKey("pk0").setSource(source).setDiscoveredAt(at).setIsNew(isNew).build();
    }
}
