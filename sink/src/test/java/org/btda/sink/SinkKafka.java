package org.btda.sink;

import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;

/**
 * The sink tests' side of the real in-process broker: an isolated topic prefix per test and Avro producing. The sink
 * sits downstream of the stream processor, so it cannot borrow that module's test helpers without a cycle.
 */
public final class SinkKafka {
    private SinkKafka() {}

    /** Settings whose topics (and so group ids) no other test in this JVM uses; every topic created. */
    public static Settings isolatedSettings(TestKafka kafka, String... overrides) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Settings s = Settings.defaults().with("kafka.topic-prefix", prefix).with("kafka.partitions", "3")
                .with("kafka.bootstrap-servers", kafka.bootstrapServers());
        for (int i = 0; i + 1 < overrides.length; i += 2) s = s.with(overrides[i], overrides[i + 1]);
        createTopics(kafka, new Topics(s));
        return s;
    }

    /**
     * The core topics and the stream processor's outputs the sink reads: without the stream processor on the classpath
     * its TopicContributor does not run, so {@code Topics.all()} would leave them out.
     */
    public static void createTopics(TestKafka kafka, Topics topics) {
        for (TopicSpec spec : topics.core()) kafka.createTopic(spec.newTopic());
        kafka.createTopic(topics.spec(topics.outPeers(), Topics.EVENT_RETENTION).newTopic());
        kafka.createTopic(topics.spec(topics.outDiscoveries(), Topics.EVENT_RETENTION).newTopic());
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
}
