package org.btda.launcher.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the broker hold btda's topics as configured; every service calls it at start (through {@link
 * org.btda.launcher.ServiceCatalog}), so services can be started in any order against a fresh broker. Idempotent:
 * <ul>
 *   <li>a missing topic is created with its partitions, retention and cleanup policy;</li>
 *   <li>an existing topic with another partition count is an error naming the topic, the configured and the actual
 *       count: adding partitions would move keys to other partitions (per-peer state and co-partitioning would break),
 *       and removing them is impossible, so the operator decides (delete the topic, or set {@code kafka.partitions});</li>
 *   <li>an existing topic whose {@code retention.ms} or {@code cleanup.policy} differs (e.g. auto-created with the
 *       broker's defaults) is corrected and the change logged: {@code kafka.address-retention} is a promise about how
 *       long plaintext addresses are kept, and the torrent registry must be compacted to keep every torrent.</li>
 * </ul>
 */
public final class TopicBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** One admin request; a broker that is not up yet is asked again until the caller's bound. */
    private static final Duration ATTEMPT = Duration.ofSeconds(10);

    private TopicBootstrap() {
    }

    /** Creates every topic of {@link Topics#all()} (core topics plus each module's contributed ones) that is missing. */
    public static List<String> ensure(Admin admin, Topics topics) {
        return ensure(admin, topics, DEFAULT_WAIT);
    }

    /** As {@link #ensure(Admin, Topics)}, waiting at most {@code wait} for the broker to answer at all. */
    public static List<String> ensure(Admin admin, Topics topics, Duration wait) {
        return ensure(admin, topics.all().stream().map(TopicSpec::newTopic).toList(), wait);
    }

    public static List<String> ensure(Admin admin, Collection<NewTopic> wanted) {
        return ensure(admin, wanted, DEFAULT_WAIT);
    }

    /**
     * @return names of the topics this call created (empty when all existed)
     * @throws TopicMismatchException when an existing topic has another partition count
     * @throws IllegalStateException  when the broker does not answer within {@code wait}
     */
    public static List<String> ensure(Admin admin, Collection<NewTopic> wanted, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            Set<String> existing = awaitTopicNames(admin, deadline, wait);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> created = new ArrayList<>();
            if (!missing.isEmpty()) {
                var results = admin.createTopics(missing).values();
                for (NewTopic topic : missing) {
                    try {
                        results.get(topic.name()).get(millisLeft(deadline), TimeUnit.MILLISECONDS);
                        created.add(topic.name());
                        LOG.info("created topic {} ({} partitions, {})", topic.name(), topic.numPartitions(), topic.configs());
                    } catch (ExecutionException e) {
                        // Another process (e.g. a second service starting at the same time) won the race: fine.
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
                        }
                    }
                }
            }
            List<String> names = wanted.stream().map(NewTopic::name).toList();
            Map<String, TopicDescription> described = awaitServed(admin, names, deadline);
            checkPartitions(wanted, described);
            correctConfigs(admin, fitToReplicas(wanted, described), deadline);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot check topics: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("broker did not answer within " + wait.toMillis() + " ms (startup.wait)", e);
        }
    }

    /** Lists topics, asking again while the broker is unreachable, until the deadline; logs each wait. */
    private static Set<String> awaitTopicNames(Admin admin, long deadline, Duration wait)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                return admin.listTopics().names().get(Math.min(ATTEMPT.toMillis(), millisLeft(deadline)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                if (e instanceof ExecutionException ee && !(ee.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
                    throw ee;
                }
                if (millisLeft(deadline) <= 0) {
                    throw e instanceof TimeoutException te ? te : new TimeoutException(e.getMessage());
                }
                LOG.warn("Kafka not answering yet; asking again ({} ms of startup.wait {} left)", millisLeft(deadline), wait);
            }
        }
    }

    private static void checkPartitions(Collection<NewTopic> wanted, Map<String, TopicDescription> described) {
        List<String> wrong = new ArrayList<>();
        for (NewTopic t : wanted) {
            int actual = described.get(t.name()).partitions().size();
            if (t.numPartitions() > 0 && actual != t.numPartitions()) {
                wrong.add("topic " + t.name() + " has " + actual + " partitions, expected " + t.numPartitions());
            }
        }
        if (!wrong.isEmpty()) {
            throw new TopicMismatchException(String.join("; ", wrong) + " (kafka.partitions). Repartitioning would move"
                    + " keys between partitions; delete the topic or set kafka.partitions to its count.");
        }
    }

    /**
     * The wanted topics with {@code min.insync.replicas} matched to the replicas each topic really has. btda never moves
     * replicas (that is a partition reassignment, an operator's job), so a topic created under a lower
     * {@code kafka.replication-factor} keeps its replicas; demanding the new factor's majority of them would make every
     * acks=all write fail.
     */
    private static List<NewTopic> fitToReplicas(Collection<NewTopic> wanted, Map<String, TopicDescription> described) {
        List<NewTopic> out = new ArrayList<>();
        for (NewTopic t : wanted) {
            TopicDescription d = described.get(t.name());
            int actual = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            if (t.replicationFactor() <= 0 || actual == t.replicationFactor() || actual == 0 || t.configs() == null) {
                out.add(t);
                continue;
            }
            LOG.warn("topic {} has {} replicas, kafka.replication-factor is {}: btda does not move replicas (reassign the"
                    + " partitions with Kafka's tools); min.insync.replicas follows the {} it has", t.name(), actual,
                    t.replicationFactor(), actual);
            Map<String, String> configs = new java.util.LinkedHashMap<>(t.configs());
            configs.remove("min.insync.replicas");
            TopicSpec.minInsyncReplicas(actual).ifPresent(n -> configs.put("min.insync.replicas", Integer.toString(n)));
            out.add(new NewTopic(t.name(), t.numPartitions(), (short) actual).configs(configs));
        }
        return out;
    }

    /** Sets every wanted topic config whose effective value differs (auto-created topics carry the broker's defaults). */
    private static void correctConfigs(Admin admin, Collection<NewTopic> wanted, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ConfigResource> resources = wanted.stream().filter(t -> t.configs() != null && !t.configs().isEmpty())
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
        if (resources.isEmpty()) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = differences(admin, wanted, resources, deadline, true);
        if (changes.isEmpty()) {
            return;
        }
        admin.incrementalAlterConfigs(changes).all().get(millisLeft(deadline), TimeUnit.MILLISECONDS);
        // The controller acknowledges the change before the broker applies it; return once the broker reports it.
        while (!differences(admin, wanted, resources, deadline, false).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic configs not applied: " + changes.keySet());
            }
            Thread.sleep(50); // a poll interval while waiting for the broker to report the change
        }
    }

    /** The SET operations that would make each topic's effective configs what {@code wanted} asks for. */
    private static Map<ConfigResource, Collection<AlterConfigOp>> differences(Admin admin, Collection<NewTopic> wanted,
            List<ConfigResource> resources, long deadline, boolean log)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<ConfigResource, Config> actual = admin.describeConfigs(resources).all().get(millisLeft(deadline), TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new java.util.LinkedHashMap<>();
        for (NewTopic t : wanted) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
            Config config = actual.get(r);
            if (config == null) {
                continue;
            }
            for (Map.Entry<String, String> want : t.configs().entrySet()) {
                ConfigEntry have = config.get(want.getKey());
                String value = have == null ? null : have.value();
                if (!want.getValue().equals(value)) {
                    if (log) LOG.warn("topic {}: {} is {}, setting it to {} as configured", t.name(), want.getKey(), value, want.getValue());
                    changes.computeIfAbsent(r, k -> new ArrayList<>())
                            .add(new AlterConfigOp(new ConfigEntry(want.getKey(), want.getValue()), AlterConfigOp.OpType.SET));
                }
            }
        }
        return changes;
    }

    /**
     * Returns once the broker serves every topic with a leader per partition: the controller acknowledges a creation
     * before the broker has applied it, and a describe or a consumer right after would otherwise find no such topic.
     */
    private static Map<String, TopicDescription> awaitServed(Admin admin, List<String> names, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(millisLeft(deadline), TimeUnit.MILLISECONDS);
                if (d.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
                    return d;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException();
            }
            Thread.sleep(50); // a poll interval while waiting for the condition above, not a synchronisation by itself
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** An existing topic does not have the configured partition count; the message names topic, expected and actual. */
    public static final class TopicMismatchException extends IllegalStateException {
        TopicMismatchException(String message) {
            super(message);
        }
    }
}
