package org.btda.launcher.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (combined broker + controller) inside this JVM, bound to 127.0.0.1 only.
 *
 * <p>Data lives under {@code <stateDir>/kafka} and survives restarts: the log directory is formatted only when it holds no
 * {@code meta.properties}, and the cluster id is kept in {@code <stateDir>/kafka/cluster.id}. The controller quorum is static
 * ({@code controller.quorum.voters}), so the controller port may be a different free port on every start; a dynamic quorum would
 * write the port into the metadata log and pin it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";

    private final Path home;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;
    private Duration startDuration = Duration.ZERO;

    private EmbeddedKafka(Builder builder) {
        this.home = builder.stateDir.resolve("kafka").toAbsolutePath();
        this.brokerPort = builder.brokerPort > 0 ? builder.brokerPort : FreePorts.loopback();
        this.controllerPort = FreePorts.loopback();
        this.overrides = Map.copyOf(builder.overrides);
    }

    public static Builder builder(Path stateDir) {
        return new Builder(stateDir);
    }

    /** Formats the log directory on first use, starts the server and waits until the broker answers. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDir());
            Properties props = brokerProperties();
            formatIfNeeded(props);
            KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server = s;
            s.startup();
            awaitReady(Duration.ofSeconds(60));
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot prepare " + home, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        startDuration = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("Kafka broker up on {} in {} ms (data {})", bootstrapServers(), startDuration.toMillis(), dataDir());
        return this;
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public String clusterId() {
        try {
            return Files.readString(clusterIdFile(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wall time of the last {@link #start()}: formatting (if any), server startup, and the first successful metadata call. */
    public Duration startDuration() {
        return startDuration;
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    /** Kafka client properties for this broker. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
        LOG.info("Kafka broker stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("broker did not shut down cleanly after a failed start", e);
        }
    }

    Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir().toString());
        // One node: every internal topic gets one replica, and transactions (exactly-once Streams) need min ISR 1.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer internal partitions: faster first group/transaction coordinator load on a 2-core machine.
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.num.partitions", "6");
        // A lone consumer group should not wait 3 s for members that will never come.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Every topic is created by TopicBootstrap with the agreed partition count; a typo must fail, not create a topic
        // with the wrong partitioning (per-peer topics must stay co-partitioned).
        p.put("auto.create.topics.enable", "false");
        overrides.forEach(p::put);
        return p;
    }

    private void formatIfNeeded(Properties props) throws IOException {
        if (Files.exists(dataDir().resolve("meta.properties"))) {
            return;
        }
        String clusterId = readOrCreateClusterId();
        Path config = home.resolve("format.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "written by btda for kafka-storage format");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc;
        // execute(), not main(): main() calls Exit.exit and would end the whole JVM.
        try (PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", config.toString(), "--cluster-id", clusterId,
                    "--ignore-formatted"}, ps);
        } finally {
            Files.deleteIfExists(config);
        }
        String output = buffer.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting " + dataDir() + " failed (" + rc + "): " + output);
        }
        LOG.debug("formatted {}: {}", dataDir(), output);
    }

    private String readOrCreateClusterId() throws IOException {
        Path file = clusterIdFile();
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = Uuid.randomUuid().toString();
        Path tmp = file.resolveSibling("cluster.id.tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    private Path clusterIdFile() {
        return home.resolve("cluster.id");
    }

    /** startup() returns once the broker is unfenced; a metadata round trip proves the client listener serves requests. */
    private void awaitReady(Duration timeout) {
        Map<String, Object> config = clientConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("broker on " + bootstrapServers() + " did not become ready", e);
        }
    }

    public static final class Builder {
        private final Path stateDir;
        private int brokerPort;
        private final Map<String, String> overrides = new HashMap<>();

        private Builder(Path stateDir) {
            this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        }

        /** Client listener port on 127.0.0.1; 0 picks a free one. */
        public Builder brokerPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker port out of range: " + port);
            }
            this.brokerPort = port;
            return this;
        }

        /** Extra broker properties (e.g. {@code num.partitions}); applied last. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
