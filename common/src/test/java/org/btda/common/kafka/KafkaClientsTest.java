package org.btda.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    @Test
    void producerIsIdempotentWithAcksAll() {
        Properties p = KafkaClients.producer(KafkaConfig.defaults().withBootstrapServers("127.0.0.1:1234"), "h1");
        assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1234")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "h1");
        // Kafka itself accepts the combination (idempotence requires acks=all and bounded in-flight requests).
        new ProducerConfig(withSerializers(p));
    }

    @Test
    void consumerCommitsManuallyAndReadsCommitted() {
        Properties c = KafkaClients.consumer("127.0.0.1:1234", "g", null);
        assertThat(c).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .doesNotContainKey(ConsumerConfig.CLIENT_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringDeserializer");
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringDeserializer");
        new ConsumerConfig(c);
        assertThatThrownBy(() -> KafkaClients.admin(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Properties withSerializers(Properties p) {
        Properties q = new Properties();
        q.putAll(p);
        q.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        q.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        return q;
    }
}
