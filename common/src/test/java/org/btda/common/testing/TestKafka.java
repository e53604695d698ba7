package org.btda.common.testing;

import java.io.ByteArrayOutputStream;
import org.btda.common.kafka.KafkaClients;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.function.Predicate;
import java.util.UUID;
import java.util.ArrayList;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4.3.1 (KRaft, combined broker + controller) running inside the test JVM on 127.0.0.1.
 *
 * <p>Settings that matter for tests: transaction state log replication 1 and min ISR 1 (exactly-once Streams cannot
 * start otherwise on one broker), group initial rebalance delay 0, offsets topic with one replica. Storage is formatted
 * with {@code StorageTool.execute} (never {@code main}, which exits the JVM). Use {@link #shared()} for one broker per
 * JVM (the first start takes a few seconds); it is stopped by a shutdown hook.
 */
public final class TestKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);
    private static final Object LOCK = new Object();
    private static TestKafka shared;

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Admin admin;

    private TestKafka(Path dir, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(p);
    }

    /** The broker shared by every test in this JVM, started on first use. */
    public static TestKafka shared() {
        synchronized (LOCK) {
            if (shared == null) {
                long t0 = System.nanoTime();
                TestKafka k = start();
                LOG.info("test Kafka at {} started in {} ms", k.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
                Runtime.getRuntime().addShutdownHook(new Thread(k::close, "test-kafka-shutdown"));
                shared = k;
            }
            return shared;
        }
    }

    /** A new broker of its own; close it when done. */
    public static TestKafka start() {
        try {
            return start0();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start test Kafka", e);
        }
    }

    private static TestKafka start0() throws IOException {
        Path dir = Files.createTempDirectory("btda-test-kafka");
        int brokerPort = freePort();
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        // Small segments and indexes: tests create many topics, and each preallocates index files.
        props.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        props.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");

        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(w, "btda TestKafka");
        }
        long t0 = System.nanoTime();
        format(config);
        long t1 = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        long t2 = System.nanoTime();
        TestKafka kafka = new TestKafka(dir, server, "127.0.0.1:" + brokerPort);
        kafka.awaitReady(Duration.ofSeconds(60));
        LOG.debug("test Kafka: format {} ms, startup {} ms, ready {} ms", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                (System.nanoTime() - t2) / 1_000_000);
        return kafka;
    }

    private static void format(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String clusterId = Uuid.randomUuid().toString();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get().isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                // Not up yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for test Kafka", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("test Kafka not ready after " + timeout);
            }
            sleep(100);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a delete-policy topic with one replica; an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        createTopic(new NewTopic(name, partitions, (short) 1));
    }

    /**
     * Creates the topic (e.g. {@code TopicSpec.newTopic()}); an existing topic is left as it is. Returns once the broker
     * serves the topic with a leader for every partition: the controller acknowledges creation before the broker has
     * applied the metadata, and a describe or produce in that window fails with UnknownTopicOrPartition.
     */
    public void createTopic(NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + topic.name(), e);
        }
        awaitTopic(topic.name(), Duration.ofSeconds(60));
    }

    private void awaitTopic(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
                if (d != null && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // Not visible to the broker yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leaders after " + timeout);
            }
            sleep(50);
        }
    }

    /** A topic name that no other test in this JVM uses. */
    /**
     * Reads {@code topic} from the start (read_committed, a fresh group) until {@code done} holds for what was read, or
     * until {@code timeout}; returns what was read either way, so the caller's assertion says what was missing.
     */
    public <T> List<ConsumerRecord<String, T>> readUntil(String topic, Deserializer<T> values, Duration timeout,
                                                        Predicate<List<ConsumerRecord<String, T>>> done) {
        Properties p = KafkaClients.consumer(bootstrapServers(), "reader-" + UUID.randomUUID(), "test-reader");
        List<ConsumerRecord<String, T>> out = new ArrayList<>();
        try (KafkaConsumer<String, T> c = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(out)) {
                for (ConsumerRecord<String, T> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    public static String uniqueTopic(String base) {
        return base + "-" + Uuid.randomUuid().toString().replace('-', 'x').replace('_', 'x');
    }

    /** An admin client bound to this broker; owned by TestKafka, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Client properties with just the bootstrap servers set. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    @Override
    public void close() {
        try {
            admin.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // Closing anyway.
        }
        server.shutdown();
        server.awaitShutdown();
        deleteRecursively(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: temp dir.
                }
            });
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
