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

    /** Topic configs for the admin client: cleanup.policy, retention.ms and, when replicated, min.insync.replicas. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", compacted ? "compact" : "delete");
        c.put("retention.ms", String.valueOf(retention.map(Duration::toMillis).orElse(-1L)));
        minInsyncReplicas(replicationFactor).ifPresent(n -> c.put("min.insync.replicas", Integer.toString(n)));
        return c;
    }

    /**
     * The {@code min.insync.replicas} that goes with a replication factor: a majority of the replicas from 3 on, so that
     * an acknowledged write (every btda producer uses acks=all) survives the loss of any one broker while writes go on
     * with one broker down. Below 3 none is set (the broker's default applies): with 2 replicas a majority would be both,
     * and one broker down would stop every write.
     */
    public static java.util.OptionalInt minInsyncReplicas(int replicationFactor) {
        return replicationFactor >= 3 ? java.util.OptionalInt.of(replicationFactor / 2 + 1) : java.util.OptionalInt.empty();
    }

    public NewTopic newTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }
}
