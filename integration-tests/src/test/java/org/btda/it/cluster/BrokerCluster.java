package org.btda.it.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.btda.launcher.kafka.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of {@code size} KRaft nodes, each a {@link ClusterBroker} process on 127.0.0.1 (broker and controller
 * in one, a static quorum of all nodes as voters), with the settings a replicated production cluster uses: internal
 * topics replicated to every node (capped at 3), {@code min.insync.replicas} 2, no unclean leader election, no
 * automatic topic creation. Ports are free loopback ports from the kernel's ephemeral range.
 */
public final class BrokerCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCluster.class);
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
    private final Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private BrokerCluster(Path dir, int size) {
        this.dir = dir;
        for (int id = 1; id <= size; id++) {
            brokerPorts.put(id, FreePorts.loopback());
            controllerPorts.put(id, FreePorts.loopback());
        }
    }

    /**
     * Starts every node at once (a static quorum elects a leader only once a majority runs) without waiting for them:
     * clients may start meanwhile, as they would against a cluster that is booting. {@link #awaitUp} waits.
     */
    public static BrokerCluster launch(Path dir, int size) throws IOException {
        BrokerCluster c = new BrokerCluster(Files.createDirectories(dir), size);
        try {
            for (int id : c.brokerPorts.keySet()) {
                c.launch(id);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Waits until every node is registered as a broker; a node that exits meanwhile fails the wait with its log. */
    public void awaitUp(Duration timeout) throws Exception {
        awaitBrokers(brokerPorts.size(), timeout);
    }

    public String bootstrapServers() {
        return brokerPorts.values().stream().map(p -> HOST + ":" + p).collect(Collectors.joining(","));
    }

    public List<Integer> nodeIds() {
        return new ArrayList<>(brokerPorts.keySet());
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(p);
    }

    /** SIGKILL: no shutdown hook, no controlled shutdown, no leadership hand-over; its partitions fail over. */
    public void kill(int nodeId) throws InterruptedException {
        Process p = processes.get(nodeId);
        p.destroyForcibly();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + nodeId + " survived SIGKILL");
        }
        LOG.info("node {} killed (exit {})", nodeId, p.exitValue());
    }

    public boolean alive(int nodeId) {
        return processes.get(nodeId).isAlive();
    }

    /** The node's log file (its stdout and stderr). */
    public Path log(int nodeId) {
        return dir.resolve("node-" + nodeId + ".log");
    }

    @Override
    public void close() {
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void launch(int id) throws IOException {
        Path data = Files.createDirectories(dir.resolve("node-" + id));
        Path config = dir.resolve("node-" + id + ".properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties(id, data).store(w, "node " + id + " of a test cluster");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // C1 only: on a busy 2-core machine the nodes' start (class loading, JIT) dominates; peak speed does not matter
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, ClusterBroker.class.getName(),
                config.toString(), clusterId).redirectErrorStream(true).redirectOutput(log(id).toFile());
        processes.put(id, pb.start());
        LOG.info("node {} starting: broker {}:{}, controller {}:{}, log {}", id, HOST, brokerPorts.get(id), HOST,
                controllerPorts.get(id), log(id));
    }

    private Properties properties(int id, Path data) {
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@" + HOST + ":" + e.getValue())
                .collect(Collectors.joining(","));
        String replicas = Integer.toString(Math.min(3, brokerPorts.size()));
        String minIsr = Integer.toString(Math.min(2, brokerPorts.size()));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPorts.get(id) + ",CONTROLLER://" + HOST + ":" + controllerPorts.get(id));
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPorts.get(id));
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", data.toString());
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        // Fewer internal partitions and no initial rebalance delay: a faster start on a 2-core machine.
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private void awaitBrokers(int size, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                for (Map.Entry<Integer, Process> e : processes.entrySet()) {
                    if (!e.getValue().isAlive()) {
                        throw new IllegalStateException("node " + e.getKey() + " exited with " + e.getValue().exitValue()
                                + ": " + tail(log(e.getKey())));
                    }
                }
                try {
                    int n = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (n == size) {
                        LOG.info("cluster {} up: {} brokers on {}", clusterId, n, bootstrapServers());
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not elected or not registered yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster not up within " + timeout + "; node 1: " + tail(log(1)));
                }
                Thread.sleep(200); // poll interval of the condition above
            }
        }
    }

    static String tail(Path file) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            List<String> lines = r.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
