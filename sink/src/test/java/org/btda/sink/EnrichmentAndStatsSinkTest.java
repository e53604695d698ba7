package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.Test;

/** Enrichment columns (Observation v3, PeerSummary v2) and evaluator statistics reach the real ClickHouse. */
class EnrichmentAndStatsSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void enrichedRowsAndEvaluatorStatsAreStored() throws Exception {
        LocalClickHouse ch = LocalClickHouse.shared();
        TestKafka kafka = TestKafka.shared();
        Settings settings = TestTopics.isolatedSettings(kafka, "clickhouse.flush-interval", "200ms");
        Topics topics = new Topics(KafkaConfig.from(settings));
        kafka.createTopic(topics.evaluatorStats(), 1); // created by the evaluator's TopicContributor in production
        String ih = ClickHouseSinkTest.hex(20);
        String instance = "ev-" + ClickHouseSinkTest.hex(4);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));

        Observation plain = Observation.newBuilder(ClickHouseSinkTest.observation(ih, 1, t0))
                .setCity("Amsterdam").setCountry("NL").setContinent("EU").setLatitude(52.4).setLongitude(4.9).setAsn(64500L)
                .setAsOrg("Example Transit NL").setDomain("example.net").build();
        Observation optIn = Observation.newBuilder(ClickHouseSinkTest.observation(ih, 2, t0)).setAddress("198.51.100.7").build();
        PeerSummary peer = PeerSummary.newBuilder(ClickHouseSinkTest.summary(ih, 1, t0))
                .setCountry("NL").setAsn(64500L).setDomain("example.net").build();
        EvaluatorStatsRecord stats = EvaluatorStatsRecord.newBuilder().setTime(t0).setInstance(instance).setIntervalMs(1000)
                .setBacklog(7).setSessionsInFlight(3).setCeiling(2000).setIncomingInFlight(1).setMeanSessionMs(1500.5)
                .setMaxSessionMs(6000).setMeanLongestGapMs(300.25).setMaxLongestGapMs(2000).setContactsTotal(10)
                .setSuccessesTotal(8).setFailuresTotal(2).setFailedFirstTotal(1).setFailedLaterTotal(1).setObservationsTotal(12)
                .setDroppedTotal(0).setIncomingEvaluatedTotal(2).setIncomingRefusedTotal(5).setUniqueIncomingPeers(2).build();

        ClickHouseSinkService service = new ClickHouseSinkService(ch.sinkConfig(settings));
        service.start();
        try (KafkaProducer<String, byte[]> p = TestTopics.producer(kafka)) {
            TestTopics.send(p, topics.observations(), ih + ":pk1", plain);
            TestTopics.send(p, topics.observations(), ih + ":pk2", optIn);
            TestTopics.send(p, topics.outPeers(), ih + ":pk0", peer);
            TestTopics.send(p, topics.evaluatorStats(), instance, stats);
            p.flush();
            waitFor(ch, "SELECT count() FROM btda.evaluator_stats WHERE instance = '" + instance + "'", 1);
            waitFor(ch, "SELECT count() FROM btda.observations WHERE info_hash = '" + ih + "'", 2);
            waitFor(ch, "SELECT count() FROM btda.peers WHERE info_hash = '" + ih + "'", 1);
        } finally {
            service.close();
        }

        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT city, country, continent, latitude, asn, as_org, domain, address"
                    + " FROM btda.observations WHERE info_hash = '" + ih + "' ORDER BY observed_at")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Amsterdam");
                assertThat(rs.getString(2)).isEqualTo("NL");
                assertThat(rs.getString(3)).isEqualTo("EU");
                assertThat(rs.getDouble(4)).isEqualTo(52.4);
                assertThat(rs.getLong(5)).isEqualTo(64500);
                assertThat(rs.getString(6)).isEqualTo("Example Transit NL");
                assertThat(rs.getString(7)).isEqualTo("example.net");
                assertThat(rs.getString(8)).as("no address without the opt-in").isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(8)).isEqualTo("198.51.100.7");
            }
            try (ResultSet rs = st.executeQuery("SELECT country, asn, domain FROM btda.peers FINAL WHERE info_hash = '" + ih + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("NL");
                assertThat(rs.getLong(2)).isEqualTo(64500);
                assertThat(rs.getString(3)).isEqualTo("example.net");
            }
            try (ResultSet rs = st.executeQuery("SELECT backlog, sessions_in_flight, ceiling, mean_session_ms, max_longest_gap_ms,"
                    + " failed_first_total, failed_later_total, incoming_evaluated_total, incoming_refused_total,"
                    + " unique_incoming_peers, toUnixTimestamp64Milli(time) FROM btda.evaluator_stats WHERE instance = '" + instance + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(7);
                assertThat(rs.getLong(2)).isEqualTo(3);
                assertThat(rs.getLong(3)).isEqualTo(2000);
                assertThat(rs.getDouble(4)).isEqualTo(1500.5);
                assertThat(rs.getLong(5)).isEqualTo(2000);
                assertThat(rs.getLong(6)).isEqualTo(1);
                assertThat(rs.getLong(7)).isEqualTo(1);
                assertThat(rs.getLong(8)).isEqualTo(2);
                assertThat(rs.getLong(9)).isEqualTo(5);
                assertThat(rs.getLong(10)).isEqualTo(2);
                assertThat(rs.getLong(11)).isEqualTo(t0.toEpochMilli());
            }
        }
    }

    private static void waitFor(LocalClickHouse ch, String sql, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long n = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = ch.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                n = rs.getLong(1);
                if (n >= expected) return;
            } catch (SQLException e) {
                // ClickHouse still starting
            }
            Thread.sleep(200);
        }
        assertThat(n).as(sql).isGreaterThanOrEqualTo(expected);
    }
}
