package org.btda.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;

/** Helpers for tests on the real in-process broker: isolated topic prefix per test, produce, read_committed reads. */
public final class KafkaTestSupport {
    private KafkaTestSupport() {}

    /** Settings whose topics (and so application and group ids) no other test in this JVM uses; topics created. */
    public static Settings isolatedSettings(TestKafka kafka, String... overrides) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Settings s = Settings.defaults().with("kafka.topic-prefix", prefix).with("kafka.partitions", "3")
                .with("kafka.bootstrap-servers", kafka.bootstrapServers());
        for (int i = 0; i + 1 < overrides.length; i += 2) s = s.with(overrides[i], overrides[i + 1]);
        for (TopicSpec spec : new Topics(s).all()) kafka.createTopic(spec.newTopic());
        return s;
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

    /** Reads the topic from the start (read_committed) until {@code done} holds for what was read, or the timeout. */
    public static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readUntil(TestKafka kafka, String topic, Class<T> type,
                                                                                    Duration timeout, Predicate<List<ConsumerRecord<String, T>>> done) {
        return kafka.readUntil(topic, AvroSerde.of(type), timeout, done);
    }
}
