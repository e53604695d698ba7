package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.evaluator.bench.RawWire;
import org.btda.evaluator.contact.FakePeer;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.protocol.bencode.Bencode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka path against a real in-process broker: requests in, one observation per request id out. */
class EvaluatorServiceKafkaTest {

    static final int PIECES = 64;
    static final String INFO_HASH = "0123456789abcdef0123456789abcdef01234567";
    static final byte[] PEER_ID = "-qB4650-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    TestKafka kafka;
    Settings settings;
    Topics topics;
    final AvroSerde<ContactRequest> requests = AvroSerde.of(ContactRequest.class);
    final AvroSerde<Observation> observations = AvroSerde.of(Observation.class);
    final AvroSerde<PeerDiscovered> discovered = AvroSerde.of(PeerDiscovered.class);
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        kafka = TestKafka.shared();
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Path secret = tmp.resolve("secret");
        settings = Settings.defaults()
                .with("kafka.bootstrap-servers", kafka.bootstrapServers())
                .with("kafka.topic-prefix", prefix)
                .with("security.secret-file", secret.toString())
                .with("do-not-contact", "127.0.0.77/32")
                .with("listen.enabled", "false"); // several instances on one machine; these tests are about dialling
        topics = new Topics(KafkaConfig.from(settings));
        kafka.createTopic(topics.contacts(), 3);
        kafka.createTopic(topics.observations(), 3);
        kafka.createTopic(topics.discovered(), 3);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) c.close();
    }

    EvaluatorConfig config(int maxSessions) {
        return EvaluatorConfig.defaults()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800), Duration.ofSeconds(5))
                .withMaxSessions(maxSessions);
    }

    EvaluatorService service(int maxSessions) {
        return new EvaluatorService(EvaluatorServiceConfig.from(settings).withEvaluator(config(maxSessions)));
    }

    ContactRequest request(String id, InetSocketAddress a, Instant due) {
        return new ContactRequest(id, INFO_HASH, "k-" + id, new PeerEndpoint(ByteBuffer.wrap(a.getAddress().getAddress()), a.getPort()),
                due, 0, PeerSource.TRACKER, PIECES, 16384L);
    }

    void produce(List<ContactRequest> reqs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ContactRequest r : reqs) {
                producer.send(new ProducerRecord<>(topics.contacts(), PeerRefs.key(r.getInfoHash(), r.getPeerKey()),
                        requests.serialize(topics.contacts(), r)));
            }
            producer.flush();
        }
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read (or 60 s). */
    <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> readUntil(String topic, AvroSerde<T> serde,
                                                   Predicate<List<ConsumerRecord<String, T>>> done) {
        return kafka.readUntil(topic, serde, Duration.ofSeconds(60), done);
    }

    static long distinctIds(List<ConsumerRecord<String, Observation>> recs) {
        return recs.stream().map(r -> r.value().getRequestId()).distinct().count();
    }

    FakePeer honestPeer(int have) throws Exception {
        byte[] pex = Bencode.encode(Map.of("added", new byte[] {10, 1, 2, 3, 0x1A, (byte) 0xE1}));
        FakePeer peer = new FakePeer(c -> {
            c.readHandshake();
            c.send(RawWire.concat(RawWire.handshake(HexFormat.of().parseHex(INFO_HASH), PEER_ID, true, true),
                    RawWire.extendedHandshake(Map.of("m", Map.of("ut_pex", 2), "v", "qBittorrent/4.6.5", "yourip", new byte[] {127, 0, 0, 1})),
                    RawWire.bitfield(PIECES, have),
                    RawWire.extended(1, pex)));
            c.readToEnd();
        });
        toClose.add(peer);
        return peer;
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyRequestYieldsOneObservationWithTheRightOutcome() throws Exception {
        FakePeer peer = honestPeer(40);
        InetSocketAddress refused = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort());
        InetSocketAddress listed = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 77}), peer.address().getPort());
        Instant now = Instant.now();
        List<ContactRequest> reqs = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            reqs.add(request("ok-" + i, peer.address(), now));
            expected.put("ok-" + i, "SUCCESS");
        }
        for (int i = 0; i < 3; i++) {
            reqs.add(request("refused-" + i, refused, now));
            expected.put("refused-" + i, FailureReason.REFUSED.name());
            reqs.add(request("dnc-" + i, listed, now));
            expected.put("dnc-" + i, FailureReason.DO_NOT_CONTACT.name());
            reqs.add(request("stale-" + i, peer.address(), now.minus(Duration.ofHours(1))));
            expected.put("stale-" + i, FailureReason.STALE_REQUEST.name());
        }
        produce(reqs);

        EvaluatorService svc = service(100);
        svc.start();
        List<ConsumerRecord<String, Observation>> obs = readUntil(topics.observations(), observations,
                l -> distinctIds(l) == reqs.size());
        svc.close();

        assertThat(obs).hasSize(reqs.size());
        Map<String, String> outcome = new HashMap<>();
        for (ConsumerRecord<String, Observation> r : obs) {
            Observation o = r.value();
            outcome.put(o.getRequestId(), o.getSuccess() ? "SUCCESS" : o.getFailure().name());
            assertThat(r.key()).as("observation key = request key").isEqualTo(PeerRefs.key(INFO_HASH, "k-" + o.getRequestId()));
            assertThat(o.getEvaluator()).isEqualTo(svc.config().instanceId());
            assertThat(o.getTotalPieces()).isEqualTo(PIECES);
            if (o.getSuccess()) {
                assertThat(o.getPieces()).isEqualTo(40);
                assertThat(o.getClient()).isNotBlank();
                assertThat(o.getExtClient()).isEqualTo("qBittorrent/4.6.5");
                assertThat(o.getExtMessages()).containsEntry("ut_pex", 2);
                assertThat(o.getNetwork()).isEqualTo("127.0.0.0/24");
                assertThat(o.getMessagesReceived()).isEqualTo(3);
                assertThat(o.getReserved()).isNotNull();
            } else {
                assertThat(o.getPieces()).isNull();
            }
            // never a plaintext address anywhere in the observation
            assertThat(o.toString()).doesNotContain("127.0.0.1").doesNotContain("127.0.0.77");
        }
        assertThat(outcome).isEqualTo(expected);

        List<ConsumerRecord<String, PeerDiscovered>> pex = readUntil(topics.discovered(), discovered, l -> l.size() >= 10);
        assertThat(pex).hasSize(10);
        assertThat(pex).allSatisfy(r -> {
            assertThat(r.value().getSource()).isEqualTo(PeerSource.PEX);
            assertThat(r.value().getEndpoint().getPort()).isEqualTo(6881);
            assertThat(r.value().getPeerKey()).hasSize(32);
            assertThat(r.key()).isEqualTo(PeerRefs.key(INFO_HASH, r.value().getPeerKey()));
        });

        assertThat(svc.stats().completed()).isEqualTo(reqs.size());
        assertThat(svc.stats().failures(FailureReason.STALE_REQUEST)).isEqualTo(3);
        assertThat(svc.stats().failures(FailureReason.DO_NOT_CONTACT)).isEqualTo(3);
        assertThat(committedTotal()).as("all offsets committed after a clean close").isEqualTo(reqs.size());
    }

    @Test
    void aKilledEvaluatorsRequestsAreRedoneByTheNextInTheGroup() throws Exception {
        FakePeer peer = honestPeer(10);
        int n = 120;
        List<ContactRequest> reqs = new ArrayList<>();
        for (int i = 0; i < n; i++) reqs.add(request("r-" + i, peer.address(), Instant.now()));
        produce(reqs);

        // A: at most 10 sessions at a time (each ~0.8 s), so it is killed with work in flight and work not yet started
        EvaluatorService a = service(10);
        a.start();
        // wait on A's own acknowledged count, not on the topic: a record can be readable before A's producer has
        // processed its acknowledgement, and kill() fails the callbacks still pending
        PassiveModeTest.awaitTrue(() -> a.stats().observationsPublished() >= 15, "A published 15 observations");
        a.kill();
        long doneByA = a.stats().observationsPublished();
        assertThat(doneByA).isGreaterThanOrEqualTo(15).isLessThan(n);
        assertThat(committedTotal()).as("A committed only part of the topic").isLessThan(n);

        EvaluatorService b = service(50);
        b.start();
        List<ConsumerRecord<String, Observation>> all = readUntil(topics.observations(), observations, l -> distinctIds(l) == n);
        b.close();

        assertThat(distinctIds(all)).isEqualTo(n);
        assertThat(all).allSatisfy(r -> assertThat(r.value().getSuccess()).isTrue());
        assertThat(all.stream().map(r -> r.value().getEvaluator()).distinct())
                .containsExactlyInAnyOrder(a.config().instanceId(), b.config().instanceId());
        assertThat(committedTotal()).isEqualTo(n);
    }

    long committedTotal() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = kafka.admin()
                .listConsumerGroupOffsets(EvaluatorService.groupId(topics)).partitionsToOffsetAndMetadata().get();
        return m.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.contacts()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }
}
