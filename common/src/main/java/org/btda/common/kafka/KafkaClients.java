package org.btda.common.kafka;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Client configs every service starts from; callers add serializers or override what they need. */
public final class KafkaClients {
    private KafkaClients() {}

    /** Idempotent producer, acks=all, small linger so bursts batch without adding noticeable latency. */
    public static Properties producer(String bootstrapServers, String clientId) {
        Properties p = common(bootstrapServers, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return p;
    }

    /** Manual commits, read_committed (the stream processor writes transactionally), earliest on a new group. */
    public static Properties consumer(String bootstrapServers, String groupId, String clientId) {
        Properties p = common(bootstrapServers, clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        return p;
    }

    public static Properties admin(String bootstrapServers, String clientId) {
        return common(bootstrapServers, clientId);
    }

    public static Properties producer(KafkaConfig config, String clientId) {
        return producer(config.bootstrapServers(), clientId);
    }

    public static Properties consumer(KafkaConfig config, String groupId, String clientId) {
        return consumer(config.bootstrapServers(), groupId, clientId);
    }

    public static Properties admin(KafkaConfig config, String clientId) {
        return admin(config.bootstrapServers(), clientId);
    }

    private static Properties common(String bootstrapServers, String clientId) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers");
        }
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (clientId != null && !clientId.isEmpty()) {
            p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        }
        return p;
    }
}
