package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.btda.common.config.Settings;
import org.junit.jupiter.api.Test;

/** The Kafka Streams configuration the service derives from the settings: replication of its internal topics. */
class StreamsPropertiesTest {

    @Test
    void internalTopicsFollowTheReplicationFactorAndRequireAMajorityFromThreeReplicasOn() {
        Properties three = StreamProcessorService.properties(
                StreamsSettings.from(Settings.defaults().with("kafka.replication-factor", "3")), "127.0.0.1:9092", Path.of("state"));
        assertThat(three.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(three.get(StreamsConfig.topicPrefix("min.insync.replicas"))).isEqualTo("2");
        assertThat(three.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);

        // a single replica leaves the broker's default alone
        Properties one = StreamProcessorService.properties(StreamsSettings.from(Settings.defaults()), "127.0.0.1:9092", Path.of("state"));
        assertThat(one.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
        assertThat(one).doesNotContainKey(StreamsConfig.topicPrefix("min.insync.replicas"));
    }
}
