package org.btda.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.btda.common.config.Settings;
import org.btda.common.testing.TestKafka;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesFollowTheDesignWithThePrefix() {
        Topics t = new Topics(KafkaConfig.defaults());
        assertThat(t.torrents()).isEqualTo("btda.torrents");
        assertThat(t.discovered()).isEqualTo("btda.peers.discovered");
        assertThat(t.harvestRequests()).isEqualTo("btda.harvest.requests");
        assertThat(t.contacts()).isEqualTo("btda.contacts");
        assertThat(t.observations()).isEqualTo("btda.observations");
        assertThat(t.confirmedDownloads()).isEqualTo("btda.confirmed-downloads");
        assertThat(t.out("peers")).isEqualTo("btda.out.peers");
        Topics test = new Topics(KafkaConfig.defaults().withTopicPrefix("it7."));
        assertThat(test.observations()).isEqualTo("it7.observations");
    }

    @Test
    void specsCarryPartitionsRetentionAndCompaction() {
        Topics t = new Topics(KafkaConfig.from(Settings.defaults().with("kafka.partitions", "4").with("kafka.address-retention", "2h")));
        List<TopicSpec> all = t.all();
        assertThat(all).extracting(TopicSpec::name).startsWith(t.torrents(), t.discovered(), t.harvestRequests(),
                t.contacts(), t.observations(), t.confirmedDownloads(), t.fileDownloads());
        assertThat(all).allMatch(s -> s.partitions() == 4 && s.replicationFactor() == 1);
        TopicSpec torrents = all.get(0);
        assertThat(torrents.compacted()).isTrue();
        assertThat(torrents.configs()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1");
        TopicSpec discovered = all.get(1);
        assertThat(discovered.retention()).contains(Duration.ofHours(2));
        assertThat(discovered.configs()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "7200000");
        assertThat(all.get(4).retention()).contains(Duration.ofDays(7));
        assertThatThrownBy(() -> new TopicSpec("bad name", 1, (short) 1, false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replicatedTopicsRequireAMajorityOfInSyncReplicas() {
        // unreplicated and 2-replica topics keep the broker's default: a majority of 2 would stop writes with one broker down
        assertThat(new Topics(KafkaConfig.from(Settings.defaults())).all())
                .allMatch(s -> !s.configs().containsKey("min.insync.replicas"));
        assertThat(new Topics(KafkaConfig.from(Settings.defaults().with("kafka.replication-factor", "2"))).all())
                .allMatch(s -> !s.configs().containsKey("min.insync.replicas"));
        assertThat(new Topics(KafkaConfig.from(Settings.defaults().with("kafka.replication-factor", "3"))).all())
                .allMatch(s -> "2".equals(s.configs().get("min.insync.replicas")) && s.replicationFactor() == 3);
        assertThat(TopicSpec.minInsyncReplicas(5)).hasValue(3);
        assertThat(TopicSpec.minInsyncReplicas(1)).isEmpty();
    }

    @Test
    void kafkaConfigCarriesTheRegistrysValues() {
        Settings s = Settings.defaults().with("kafka.bootstrap-servers", "10.0.0.1:9092,10.0.0.2:9092")
                .with("kafka.partitions", "12").with("kafka.replication-factor", "3")
                .with("kafka.address-retention", "6h").with("kafka.topic-prefix", "x.");
        assertThat(KafkaConfig.from(s)).isEqualTo(new KafkaConfig("10.0.0.1:9092,10.0.0.2:9092", 12, (short) 3,
                Duration.ofHours(6), "x."));
        KafkaConfig d = KafkaConfig.defaults();
        assertThat(d.bootstrapServers()).isEqualTo(Settings.KAFKA_BOOTSTRAP_SERVERS.defaultValue());
        assertThat(d.partitions()).isEqualTo(Settings.KAFKA_PARTITIONS.defaultValue());
        assertThat(d.topicPrefix()).isEqualTo(Settings.KAFKA_TOPIC_PREFIX.defaultValue());
    }

    @Test
    void contributorsOnTheClasspathAddTheirTopics() {
        // src/test/resources/META-INF/services lists TestContributor, standing in for the stream-processor.
        Topics t = new Topics(KafkaConfig.defaults());
        assertThat(t.all()).extracting(TopicSpec::name).contains("btda.out.test-contributor");
        assertThat(t.core()).extracting(TopicSpec::name).doesNotContain("btda.out.test-contributor");
    }

    @Test
    void specsCreateRealTopicsWithTheirConfigs() throws Exception {
        TestKafka kafka = TestKafka.shared();
        String prefix = TestKafka.uniqueTopic("topics") + ".";
        Topics t = new Topics(KafkaConfig.from(Settings.defaults().with("kafka.topic-prefix", prefix).with("kafka.partitions", "2")));
        for (TopicSpec spec : t.core()) {
            kafka.createTopic(spec.newTopic());
        }
        ConfigResource torrents = new ConfigResource(ConfigResource.Type.TOPIC, t.torrents());
        ConfigResource contacts = new ConfigResource(ConfigResource.Type.TOPIC, t.contacts());
        Map<ConfigResource, Config> configs = kafka.admin().describeConfigs(List.of(torrents, contacts)).all().get();
        assertThat(configs.get(torrents).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get(contacts).get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofHours(24).toMillis()));
        assertThat(kafka.admin().describeTopics(List.of(t.observations())).allTopicNames().get()
                .get(t.observations()).partitions()).hasSize(2);
    }

    public static final class TestContributor implements TopicContributor {
        @Override
        public List<TopicSpec> topics(Topics topics) {
            return List.of(topics.spec(topics.out("test-contributor"), Duration.ofDays(1)));
        }
    }
}
