package org.btda.common.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;

/**
 * btda's topics on a {@link TestKafka} broker, for every module's tests: an isolated topic prefix per test, Avro
 * producing and read_committed reads.
 */
public final class TestTopics {
    private TestTopics() {}

    /** Settings whose topics (and so application and group ids) no other test in this JVM uses; topics created. */
    public static Settings isolatedSettings(TestKafka kafka, String... overrides) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Settings s = Settings.defaults().with("kafka.topic-prefix", prefix).with("kafka.partitions", "3")
                .with("kafka.bootstrap-servers", kafka.bootstrapServers());
        for (int i = 0; i + 1 < overrides.length; i += 2) s = s.with(overrides[i], overrides[i + 1]);
        createTopics(kafka, new Topics(KafkaConfig.from(s)));
        return s;
    }

    /**
     * Creates {@link Topics#all()} and the stream processor's outputs; existing topics are left as they are. The outputs
     * are in {@code all()} only when the stream processor's TopicContributor is on the classpath, and a test of a
     * consumer of those topics must not depend on which test jars happen to be there.
     */
    public static void createTopics(TestKafka kafka, Topics topics) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : topics.all()) byName.put(spec.name(), spec);
        byName.putIfAbsent(topics.outPeers(), topics.spec(topics.outPeers(), Topics.EVENT_RETENTION));
        byName.putIfAbsent(topics.outDiscoveries(), topics.spec(topics.outDiscoveries(), Topics.EVENT_RETENTION));
        for (TopicSpec spec : byName.values()) kafka.createTopic(spec.newTopic());
    }

    public static KafkaProducer<String, byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "test-producer"),
                new StringSerializer(), (topic, v) -> (byte[]) v);
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> void send(KafkaProducer<String, byte[]> p, String topic, String key, T value) {
        AvroSerde<T> serde = AvroSerde.of((Class<T>) value.getClass());
        p.send(new ProducerRecord<>(topic, key, serde.serialize(topic, value)));
    }

    /**
     * Everything committed to the topic up to now (read_committed, up to the end offsets taken at the start): for
     * asserting that something was NOT written, without waiting an arbitrary time for it not to arrive.
     */
    public static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readCommitted(TestKafka kafka, String topic, Class<T> type,
                                                                                        Duration timeout) {
        Properties p = KafkaClients.consumer(kafka.bootstrapServers(), "reader-" + UUID.randomUUID(), "test-reader");
        AvroSerde<T> serde = AvroSerde.of(type);
        List<ConsumerRecord<String, T>> out = new ArrayList<>();
        try (KafkaConsumer<String, T> c = new KafkaConsumer<>(p, new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);     // read_committed: the last stable offsets
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) throw new AssertionError(topic + " not read to its end offsets " + end + " in " + timeout);
                for (ConsumerRecord<String, T> r : c.poll(Duration.ofMillis(200))) out.add(r);
            }
        }
        return out;
    }

    /** Reads the topic from the start (read_committed) until {@code done} holds for what was read, or the timeout. */
    public static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readUntil(TestKafka kafka, String topic, Class<T> type,
                                                                                    Duration timeout, Predicate<List<ConsumerRecord<String, T>>> done) {
        return kafka.readUntil(topic, AvroSerde.of(type), timeout, done);
    }
}
