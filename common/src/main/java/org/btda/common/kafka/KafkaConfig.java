package org.btda.common.kafka;

import java.time.Duration;
import java.util.Objects;
import org.btda.common.config.Settings;

/**
 * Where the broker is and how btda's topics are named and created; the launcher builds it from {@link Settings} with
 * {@link #from}. No defaults of its own: {@link #defaults()} is the registry's.
 *
 * @param bootstrapServers  kafka.bootstrap-servers
 * @param partitions        kafka.partitions, of every topic btda creates
 * @param replicationFactor kafka.replication-factor
 * @param addressRetention  kafka.address-retention, of topics carrying plaintext addresses
 * @param topicPrefix       kafka.topic-prefix
 */
public record KafkaConfig(String bootstrapServers, int partitions, short replicationFactor, Duration addressRetention,
        String topicPrefix) {

    public KafkaConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(addressRetention, "addressRetention");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("kafka.partitions and kafka.replication-factor must be >= 1");
        }
    }

    public static KafkaConfig from(Settings s) {
        return new KafkaConfig(s.get(Settings.KAFKA_BOOTSTRAP_SERVERS), s.get(Settings.KAFKA_PARTITIONS),
                s.get(Settings.KAFKA_REPLICATION_FACTOR).shortValue(), s.get(Settings.KAFKA_ADDRESS_RETENTION),
                s.get(Settings.KAFKA_TOPIC_PREFIX));
    }

    /** The registry's defaults (for tests). */
    public static KafkaConfig defaults() {
        return from(Settings.defaults());
    }

    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, partitions, replicationFactor, addressRetention, topicPrefix);
    }

    public KafkaConfig withTopicPrefix(String prefix) {
        return new KafkaConfig(bootstrapServers, partitions, replicationFactor, addressRetention, prefix);
    }
}
