package org.btda.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
    @TempDir
    Path stateDir;

    private static final List<NewTopic> TOPICS = List.of(
            new NewTopic("t.compacted", 3, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")),
            new NewTopic("t.events", 2, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "86400000")));

    @Test
    void startsCreatesTopicsRoundTripsAndKeepsEverythingAcrossRestart() throws Exception {
        String clusterId;
        Duration firstStart;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(stateDir).brokerPort(0).build().start()) {
            firstStart = kafka.startDuration();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            clusterId = kafka.clusterId();
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                assertThat(TopicBootstrap.ensure(admin, TOPICS)).containsExactlyInAnyOrder("t.compacted", "t.events");
                assertThat(TopicBootstrap.ensure(admin, TOPICS)).as("second call is a no-op").isEmpty();
                Map<String, TopicDescription> d = admin.describeTopics(List.of("t.compacted", "t.events")).allTopicNames().get();
                assertThat(d.get("t.compacted").partitions()).hasSize(3);
                assertThat(d.get("t.events").partitions()).hasSize(2);
            }
            produce(kafka.bootstrapServers(), "t.events", "k1", "before-restart");
            assertThat(consumeAll(kafka.bootstrapServers(), "t.events", 1)).containsExactly("k1=before-restart");
        }

        // Same state dir, different (free) ports: the formatted log dir, cluster id, topics and records survive.
        Duration secondStart;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(stateDir).brokerPort(0).build().start()) {
            secondStart = kafka.startDuration();
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                assertThat(admin.listTopics().names().get()).contains("t.compacted", "t.events");
                assertThat(TopicBootstrap.ensure(admin, TOPICS)).isEmpty();
            }
            produce(kafka.bootstrapServers(), "t.events", "k2", "after-restart");
            assertThat(consumeAll(kafka.bootstrapServers(), "t.events", 2))
                    .containsExactlyInAnyOrder("k1=before-restart", "k2=after-restart");
        }
        System.out.printf("embedded broker start: first (format + start) %d ms, second (same dir) %d ms%n",
                firstStart.toMillis(), secondStart.toMillis());
    }

    @Test
    void aTopicWithFewerReplicasThanConfiguredKeepsWritableInsteadOfDemandingAMajorityItCannotHave() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(stateDir).brokerPort(0).build().start();
             Admin admin = Admin.create(kafka.clientConfig())) {
            // created earlier under kafka.replication-factor 1; the setting is now 3 (min.insync.replicas 2)
            admin.createTopics(List.of(new NewTopic("t.rf", 2, (short) 1))).all().get();
            NewTopic wanted = new NewTopic("t.rf", 2, (short) 3).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000",
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
            assertThat(TopicBootstrap.ensure(admin, List.of(wanted))).isEmpty();
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "t.rf");
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).as("the other configs are still corrected").isEqualTo("3600000");
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");
            // a write with acks=all (the producer default) still succeeds on the single replica
            produce(kafka.bootstrapServers(), "t.rf", "k", "v");
            assertThat(consumeAll(kafka.bootstrapServers(), "t.rf", 1)).containsExactly("k=v");
        }
    }

    @Test
    void transactionalProducerWorksOnSingleNode() throws Exception {
        // Exactly-once Streams depends on the transaction coordinator, which needs the 1-replica transaction log settings.
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(stateDir).brokerPort(0).build().start()) {
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                TopicBootstrap.ensure(admin, List.of(new NewTopic("t.tx", 1, (short) 1)));
            }
            Properties p = producerProps(kafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "btda-test-tx");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t.tx", "a", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t.tx", "b", "committed"));
                producer.commitTransaction();
            }
            Properties c = consumerProps(kafka.bootstrapServers());
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            assertThat(consume(c, "t.tx", 1)).containsExactly("b=committed");
        }
    }

    @Test
    void refusesUndeclaredTopicsSoPartitioningStaysAgreed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(stateDir).brokerPort(0).build().start();
             Admin admin = Admin.create(kafka.clientConfig())) {
            Properties p = producerProps(kafka.bootstrapServers());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1500");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                var future = producer.send(new ProducerRecord<>("t.typo", "k", "v"));
                org.assertj.core.api.Assertions.assertThatThrownBy(future::get)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            assertThat(admin.listTopics().names().get()).doesNotContain("t.typo");
        }
    }

    static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static List<String> consumeAll(String bootstrap, String topic, int expected) {
        return consume(consumerProps(bootstrap), topic, expected);
    }

    private static List<String> consume(Properties props, String topic, int expected) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
            // One more short poll: anything beyond the expected records would be a bug (e.g. an aborted record leaking).
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                seen.add(r.key() + "=" + r.value());
            }
        }
        return seen;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
}
