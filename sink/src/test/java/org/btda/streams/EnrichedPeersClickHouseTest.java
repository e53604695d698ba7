package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.sink.ClickHouseSinkService;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on the real broker and the real ClickHouse: an enriched observation goes through the topology and
 * the sink into {@code btda.peers}, and a later failed contact (no enrichment) does not blank the columns.
 *
 * <p>In the sink module, downstream of both stages, so the stream processor never depends on its consumer; in package
 * {@code org.btda.streams} for the package-private {@code StreamProcessorService.registeredTorrent} (through
 * {@code KafkaTestSupport.awaitTorrent}) and {@code TopologyFixture}.
 */
class EnrichedPeersClickHouseTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void peersRowCarriesTheEnrichmentOfTheLatestObservations() throws Exception {
        LocalClickHouse ch = LocalClickHouse.shared();
        TestKafka kafka = TestKafka.shared();
        Settings settings = TestTopics.isolatedSettings(kafka, "clickhouse.flush-interval", "200ms");
        Topics topics = new Topics(KafkaConfig.from(settings));
        byte[] ihBytes = new byte[20];
        ThreadLocalRandom.current().nextBytes(ihBytes);
        String ih = HexFormat.of().formatHex(ihBytes);
        String ref = ih + ":pe1";
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);

        StreamProcessorService streams = new StreamProcessorService(StreamsSettings.from(settings), kafka.bootstrapServers(), tmp, TopologyFixture.vault());
        ClickHouseSinkService sink = new ClickHouseSinkService(ch.sinkConfig(settings));
        streams.start();
        sink.start();
        try (KafkaProducer<String, byte[]> p = TestTopics.producer(kafka)) {
            assertThat(streams.awaitRunning(WAIT)).isTrue();
            TestTopics.send(p, topics.torrents(), ih, TopologyFixture.torrent(ih, 100, 16384, true));
            p.flush();
            KafkaTestSupport.awaitTorrent(streams, ih, WAIT);   // the global store must hold it before the discovery arrives
            TestTopics.send(p, topics.discovered(), ref, TopologyFixture.discovery(ih, "pe1", PeerSource.TRACKER, 7, Instant.now()));
            p.flush();
            List<ConsumerRecord<String, ContactRequest>> reqs = TestTopics.readUntil(kafka, topics.contacts(),
                    ContactRequest.class, WAIT, l -> !l.isEmpty());
            assertThat(reqs).isNotEmpty();

            // the evaluator had the opt-in on, this deployment's stream processor has not: no address may reach the table
            TestTopics.send(p, topics.observations(), ref, Observation.newBuilder(
                    TopologyFixture.observation(ih, "pe1", reqs.get(0).value().getId(), t, 10, 100, 16384))
                    .setNetwork("198.51.100.0/24").setCity("Amsterdam").setCountry("NL").setContinent("EU")
                    .setLatitude(52.4).setLongitude(4.9).setAsn(64500L).setAsOrg("Example Transit NL")
                    .setDomain("example.net").setAddress("198.51.100.7").build());
            TestTopics.send(p, topics.observations(), ref, Observation.newBuilder(
                    TopologyFixture.observation(ih, "pe1", null, t.plusSeconds(60), null, 100, 16384))
                    .setSuccess(false).setFailure(FailureReason.CONNECT_TIMEOUT).setClient(null).build());
            p.flush();
            waitFor(ch, "SELECT count() FROM btda.peers FINAL WHERE info_hash = '" + ih + "' AND failures = 1 AND contacts = 1");
        } finally {
            sink.close();
            streams.close();
        }

        try (Connection c = ch.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT city, country, continent, latitude, longitude, asn, as_org, domain, address,"
                     + " network, client FROM btda.peers FINAL WHERE info_hash = '" + ih + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Amsterdam");
            assertThat(rs.getString(2)).isEqualTo("NL");
            assertThat(rs.getString(3)).isEqualTo("EU");
            assertThat(rs.getDouble(4)).isEqualTo(52.4);
            assertThat(rs.getDouble(5)).isEqualTo(4.9);
            assertThat(rs.getLong(6)).isEqualTo(64500);
            assertThat(rs.getString(7)).isEqualTo("Example Transit NL");
            assertThat(rs.getString(8)).isEqualTo("example.net");
            assertThat(rs.getString(9)).as("no address without privacy.store-addresses").isNull();
            assertThat(rs.getString(10)).isEqualTo("198.51.100.0/24");
            assertThat(rs.getString(11)).isEqualTo("Transmission 4.0.5");
            assertThat(rs.next()).as("one row per peer after FINAL").isFalse();
        }
    }

    private static void waitFor(LocalClickHouse ch, String sql) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long n = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = ch.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                n = rs.getLong(1);
                if (n >= 1) return;
            } catch (SQLException e) {
                // ClickHouse still starting
            }
            Thread.sleep(200);
        }
        assertThat(n).as(sql).isGreaterThanOrEqualTo(1);
    }
}
