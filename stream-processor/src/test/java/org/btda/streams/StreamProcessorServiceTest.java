package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Discovery;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology on the real in-process broker with exactly_once_v2, including a restart from the changelogs. */
class StreamProcessorServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String IH = TopologyFixture.IH;

    @TempDir
    Path tmp;

    @Test
    void discoversContactsConfirmsAndResumesAfterRestartOnARealBroker() throws Exception {
        TestKafka kafka = TestKafka.shared();
        Settings settings = TestTopics.isolatedSettings(kafka, "revisit.delay", "3s", "revisit.backoff-base", "1s");
        Topics topics = new Topics(KafkaConfig.from(settings));
        EndpointVault vault = TopologyFixture.vault();

        try (KafkaProducer<String, byte[]> producer = TestTopics.producer(kafka)) {
            StreamProcessorService first = new StreamProcessorService(StreamsSettings.from(settings), kafka.bootstrapServers(), Files.createDirectory(tmp.resolve("a")), vault);
            first.start();
            try {
                assertThat(first.awaitRunning(WAIT)).isTrue();
                TestTopics.send(producer, topics.torrents(), IH, TopologyFixture.torrent(IH, 100, 16384, true));
                producer.flush();
                KafkaTestSupport.awaitTorrent(first, IH, WAIT);   // the global store must hold it before the discoveries arrive
                for (int i = 1; i <= 3; i++) {
                    TestTopics.send(producer, topics.discovered(), TopologyFixture.ref("peer" + i),
                            TopologyFixture.discovery(IH, "peer" + i, PeerSource.TRACKER, i, Instant.now()));
                }
                producer.flush();

                List<ConsumerRecord<String, ContactRequest>> reqs = TestTopics.readUntil(kafka, topics.contacts(),
                        ContactRequest.class, WAIT, l -> l.stream().map(r -> r.value().getPeerKey()).distinct().count() == 3);
                assertThat(reqs).extracting(r -> r.value().getPeerKey()).contains("peer1", "peer2", "peer3");
                ContactRequest r1 = reqs.stream().filter(r -> r.value().getPeerKey().equals("peer1")).findFirst().orElseThrow().value();
                assertThat(r1.getEndpoint()).isEqualTo(TopologyFixture.endpoint(1));
                assertThat(r1.getAttempt()).isZero();
                assertThat(r1.getTotalPieces()).isEqualTo(100);

                // peer1 goes from 10 % to 100 %: one confirmed download
                Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(600);
                TestTopics.send(producer, topics.observations(), TopologyFixture.ref("peer1"),
                        TopologyFixture.observation(IH, "peer1", r1.getId(), t, 10, 100, 16384));
                TestTopics.send(producer, topics.observations(), TopologyFixture.ref("peer1"),
                        TopologyFixture.observation(IH, "peer1", null, t.plusSeconds(300), 100, 100, 16384));
                producer.flush();
                List<ConsumerRecord<String, ConfirmedDownload>> confirmed = TestTopics.readUntil(kafka,
                        topics.confirmedDownloads(), ConfirmedDownload.class, WAIT, l -> !l.isEmpty());
                assertThat(confirmed).singleElement().satisfies(c -> {
                    assertThat(c.value().getPeerKey()).isEqualTo("peer1");
                    assertThat(c.value().getCrossedAt()).isEqualTo(t.plusSeconds(300));
                });

                // peer2 is revisited by the wall-clock punctuation once revisit.delay has passed
                ContactRequest r2 = reqs.stream().filter(r -> r.value().getPeerKey().equals("peer2")).findFirst().orElseThrow().value();
                TestTopics.send(producer, topics.observations(), TopologyFixture.ref("peer2"),
                        TopologyFixture.observation(IH, "peer2", r2.getId(), Instant.now(), 20, 100, 16384));
                producer.flush();
                List<ConsumerRecord<String, ContactRequest>> later = TestTopics.readUntil(kafka, topics.contacts(),
                        ContactRequest.class, WAIT, l -> l.stream().filter(r -> r.value().getPeerKey().equals("peer2")).count() >= 2);
                List<ContactRequest> peer2 = later.stream().map(ConsumerRecord::value).filter(r -> r.getPeerKey().equals("peer2")).toList();
                assertThat(peer2).hasSizeGreaterThanOrEqualTo(2);
                assertThat(peer2.get(1).getId()).isNotEqualTo(peer2.get(0).getId());
            } finally {
                first.close();
            }

            // a new instance with an EMPTY state dir must restore the per-peer state from the changelogs
            StreamProcessorService second = new StreamProcessorService(StreamsSettings.from(settings), kafka.bootstrapServers(), Files.createDirectory(tmp.resolve("b")), vault);
            second.start();
            try {
                assertThat(second.awaitRunning(WAIT)).isTrue();
                TestTopics.send(producer, topics.discovered(), TopologyFixture.ref("peer1"),
                        TopologyFixture.discovery(IH, "peer1", PeerSource.DHT, 1, Instant.now()));
                producer.flush();
                List<ConsumerRecord<String, Discovery>> disc = TestTopics.readUntil(kafka, StreamTopics.outDiscoveries(topics),
                        Discovery.class, WAIT, l -> l.size() >= 4);
                assertThat(disc).hasSize(4);
                // across partitions the read order is arbitrary; within peer1's partition it is the processing order
                assertThat(disc).filteredOn(r -> r.value().getPeerKey().equals("peer1")).extracting(r -> r.value().getIsNew())
                        .as("peer1 is known after the restart").containsExactly(true, false);
                List<ConsumerRecord<String, PeerSummary>> summaries = TestTopics.readUntil(kafka, StreamTopics.outPeers(topics),
                        PeerSummary.class, WAIT, l -> l.stream().anyMatch(r -> r.value().getPeerKey().equals("peer1") && r.value().getDuplicates() == 1));
                PeerSummary last = summaries.stream().map(ConsumerRecord::value).filter(s -> s.getPeerKey().equals("peer1"))
                        .reduce((a, b) -> b).orElseThrow();
                assertThat(last.getDuplicates()).isEqualTo(1);
                assertThat(last.getConfirmedAt()).isNotNull();
                List<Long> versions = summaries.stream().map(ConsumerRecord::value).filter(s -> s.getPeerKey().equals("peer1"))
                        .map(PeerSummary::getVersion).toList();
                assertThat(versions).isSorted().doesNotHaveDuplicates();
                // still exactly one confirmed download for peer1: anything the rediscovery emitted is committed in the
                // same transaction as the summary read above, so reading to the end offsets now sees it
                assertThat(TestTopics.readCommitted(kafka, topics.confirmedDownloads(), ConfirmedDownload.class, WAIT))
                        .hasSize(1);
            } finally {
                second.close();
            }
        }
    }

    @Test
    void aMissingSourceTopicStopsStreamsInErrorAndTheServiceReportsItselfDeadInsteadOfReplacingThreadsForever() throws Exception {
        TestKafka kafka = TestKafka.shared();
        Settings settings = Settings.defaults().with("kafka.topic-prefix", "m" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".")
                .with("kafka.partitions", "3").with("kafka.bootstrap-servers", kafka.bootstrapServers());
        Topics topics = new Topics(KafkaConfig.from(settings));
        // every topic but one source of the per-peer sub-topology (as if it had been deleted)
        for (org.btda.common.kafka.TopicSpec spec : topics.all()) {
            if (!spec.name().equals(topics.observations())) kafka.createTopic(spec.newTopic());
        }
        StreamProcessorService service = new StreamProcessorService(StreamsSettings.from(settings), kafka.bootstrapServers(),
                Files.createDirectory(tmp.resolve("missing")), TopologyFixture.vault());
        try {
            assertThat(service.health().ready()).isFalse();
            assertThat(service.health().reason()).isEqualTo("not started");
            service.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (service.health().live() && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the condition, bounded by WAIT
            }
            assertThat(service.health().live()).as(service.health().reason()).isFalse();
            assertThat(service.state()).isIn(org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR,
                    org.apache.kafka.streams.KafkaStreams.State.ERROR);
            assertThat(service.health().reason()).contains("Kafka Streams in").contains("MissingSourceTopicException");
        } finally {
            service.close();
        }
    }
}
