package org.btda.common.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic the launcher creates. {@code retention} empty = keep forever (used with compaction).
 */
public record TopicSpec(String name, int partitions, short replicationFactor, boolean compacted, Optional<Duration> retention) {

    public TopicSpec {
        if (name == null || name.isEmpty() || name.length() > 249 || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("bad topic name: " + name);
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions and replication factor must be positive");
        }
    }

    /** Topic configs for the admin client: cleanup.policy and retention.ms. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", compacted ? "compact" : "delete");
        c.put("retention.ms", String.valueOf(retention.map(Duration::toMillis).orElse(-1L)));
        return c;
    }

    public NewTopic newTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }
}
