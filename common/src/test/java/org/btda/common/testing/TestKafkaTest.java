package org.btda.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.kafka.KafkaClients;
import org.junit.jupiter.api.Test;

class TestKafkaTest {

    @Test
    void producesAndConsumesOnTheSharedBroker() throws Exception {
        TestKafka kafka = TestKafka.shared();
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        String topic = TestKafka.uniqueTopic("test-kafka");
        kafka.createTopic(topic, 3);
        kafka.createTopic(topic, 3); // idempotent

        Properties pp = KafkaClients.producer(kafka.bootstrapServers(), "tk-producer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        Properties cp = KafkaClients.consumer(kafka.bootstrapServers(), "tk-group", "tk-consumer");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 30 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.value()).isEqualTo("v" + r.key().substring(1));
                    values.add(r.value());
                }
            }
        }
        assertThat(values).hasSize(30).doesNotHaveDuplicates();
        assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
    }

    @Test
    void sharedIsOneBrokerPerJvm() {
        assertThat(TestKafka.shared()).isSameAs(TestKafka.shared());
    }
}
