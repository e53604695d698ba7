package org.btda.launcher.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics; topics that already exist are left exactly as they are (their partition count and configs are not
 * touched, so a restart never repartitions data).
 */
public final class TopicBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);
    private static final long TIMEOUT_MS = 60_000;

    private TopicBootstrap() {
    }

    /** Creates every topic of {@link Topics#all()} (core topics plus each module's contributed ones) that is missing. */
    public static List<String> ensure(Admin admin, Topics topics) {
        return ensure(admin, topics.all().stream().map(TopicSpec::newTopic).toList());
    }

    /**
     * Returns once the broker serves every topic with a leader per partition: the controller acknowledges a creation
     * before the broker has applied it, and a describe or a consumer right after would otherwise find no such topic.
     */
    private static void awaitServed(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (d.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
                    return;
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

    /** @return names of the topics this call created (empty when all existed). */
    public static List<String> ensure(Admin admin, Collection<NewTopic> wanted) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> created = new ArrayList<>();
            if (missing.isEmpty()) {
                return created;
            }
            var results = admin.createTopics(missing).values();
            for (NewTopic topic : missing) {
                try {
                    results.get(topic.name()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    created.add(topic.name());
                    LOG.info("created topic {} ({} partitions, {})", topic.name(), topic.numPartitions(), topic.configs());
                } catch (ExecutionException e) {
                    // Another process (e.g. a second service starting at the same time) won the race: fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
            awaitServed(admin, missing.stream().map(NewTopic::name).toList());
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("broker did not answer within " + TIMEOUT_MS + " ms", e);
        }
    }
}
