package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Observation;
import org.btda.it.cluster.BrokerCluster;
import org.btda.it.cluster.LoopbackSwarm;
import org.btda.launcher.kafka.FreePorts;
import org.btda.launcher.local.BtdaHome;
import org.btda.launcher.local.LocalClickHouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out against a replicated Kafka cluster, as users deploy it: three KRaft nodes (each its own OS process on
 * 127.0.0.1, replication factor 3, {@code min.insync.replicas} 2), {@code btda harvester}, two {@code btda evaluator}s
 * and {@code btda stream-processor} (with its ClickHouse sink) as four more processes, and a synthetic loopback swarm
 * whose finishers the test decides. Once every peer has been observed below the threshold, the node leading the
 * metadata quorum is killed with SIGKILL, and only then do the finishers complete: every finisher must be confirmed
 * exactly once (topic and ClickHouse), nobody else, and every contact request issued before the end must have exactly
 * one observation in the topic and in ClickHouse. No service may exit on the way.
 */
class ThreeBrokerClusterTest {
    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerClusterTest.class);
    private static final int PARTITIONS = 6;
    private static final int PIECES = 40;
    private static final int FINISHERS = 8;
    private static final int STAYERS = 8;
    private static final int SEEDS = 4;

    @TempDir
    Path tmp;
    private final Map<String, Process> services = new LinkedHashMap<>();
    private BrokerCluster cluster;
    private LocalClickHouse clickHouse;
    private LoopbackSwarm swarm;
    private Path runDir;

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : services.values()) {
            p.destroy();
        }
        for (Process p : services.values()) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (cluster != null) cluster.close();
        if (clickHouse != null) clickHouse.close();
        if (swarm != null) swarm.close();
    }

    @Test
    void killingOneOfThreeBrokersMidRunLosesAndDoublesNothing() throws Exception {
        long t0 = System.nanoTime();
        // Everything starts at once, in no particular order, as after a reboot: the services wait for Kafka and
        // ClickHouse themselves (startup.wait).
        cluster = BrokerCluster.launch(logDir().resolve("kafka"), 3);
        int chHttp = FreePorts.loopback();
        String chUrl = "jdbc:clickhouse://127.0.0.1:" + chHttp;
        ClickHouseHttp ch = ClickHouseHttp.fromJdbcUrl(chUrl);

        swarm = new LoopbackSwarm(PIECES);
        List<LoopbackSwarm.Peer> finishers = new ArrayList<>();
        List<LoopbackSwarm.Peer> stayers = new ArrayList<>();
        for (int i = 0; i < FINISHERS; i++) finishers.add(swarm.addPeer("finisher-" + i, PIECES / 4));
        for (int i = 0; i < STAYERS; i++) stayers.add(swarm.addPeer("stayer-" + i, PIECES / 2));
        for (int i = 0; i < SEEDS; i++) swarm.addPeer("seed-" + i, PIECES);
        Path torrents = tmp.resolve("torrents");
        swarm.writeTorrent(torrents);
        String infoHash = swarm.infoHashHex();

        // One deployment secret shared by every service (peer keys must agree); the test derives the keys from it too.
        Path secret = tmp.resolve("secret");
        PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(secret));
        Map<String, String> keyOf = new LinkedHashMap<>();
        for (LoopbackSwarm.Peer p : swarm.peers()) {
            keyOf.put(keys.key(infoHash, p.address().getAddress(), p.address().getPort()), p.name());
        }
        Set<String> finisherKeys = keysOf(keyOf, finishers);
        Set<String> observedKeys = new HashSet<>(keysOf(keyOf, finishers));
        observedKeys.addAll(keysOf(keyOf, stayers));

        List<String> common = List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--set", "startup.wait=4m",
                "--set", "kafka.partitions=" + PARTITIONS,
                "--set", "kafka.replication-factor=3",
                "--set", "security.secret-file=" + secret,
                "--set", "clickhouse.url=" + chUrl,
                "--set", "clickhouse.flush-interval=300ms",
                "--set", "torrents.dir=" + torrents,
                "--set", "torrents.scan-interval=1s",
                "--set", "tracker.min-interval=2s",
                "--set", "tracker.interval-cap=10s",
                "--set", "revisit.delay=2s",
                "--set", "revisit.backoff-base=2s",
                "--set", "network.timeout=1s",
                "--set", "evaluator.session-cap=5s",
                "--set", "dns.enabled=false",
                "--set", "stats.interval=5s",
                "--set", "status.interval=30s");
        start("stream-processor", common);
        start("evaluator-a", common);
        start("evaluator-b", common);
        start("harvester", common);
        clickHouse = LocalClickHouse.start(BtdaHome.find(Map.of("BTDA_HOME", E2eStack.repoRoot().toString())),
                tmp.resolve("clickhouse"), chHttp, FreePorts.loopback());
        cluster.awaitUp(Duration.ofSeconds(180));
        LOG.info("cluster and ClickHouse up {} ms after the start", ms(t0));

        Topics topics = new Topics(KafkaConfig.from(Settings.defaults().with("kafka.partitions", "" + PARTITIONS)
                .with("kafka.replication-factor", "3").with("kafka.bootstrap-servers", cluster.bootstrapServers())));
        try (Admin admin = cluster.admin()) {
            E2eWaits.until(Duration.ofSeconds(180), "every btda topic on the cluster", () -> {
                requireServicesAlive();
                return admin.listTopics().names().get().containsAll(topics.all().stream().map(TopicSpec::name).toList());
            });
            // Replicated as configured: three replicas of every partition, and a write needs two of them.
            Map<String, TopicDescription> described = admin.describeTopics(topics.all().stream().map(TopicSpec::name).toList())
                    .allTopicNames().get();
            for (TopicDescription d : described.values()) {
                assertThat(d.partitions()).as(d.name() + " partitions").hasSize(PARTITIONS);
                for (TopicPartitionInfo p : d.partitions()) {
                    assertThat(p.replicas()).as(d.name() + "-" + p.partition() + " replicas").hasSize(3);
                }
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, d.name());
                assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("min.insync.replicas").value())
                        .as(d.name() + " min.insync.replicas").isEqualTo("2");
            }
        }

        // Every finisher and stayer observed below the threshold, by both evaluators together, before the kill.
        E2eWaits.until(Duration.ofSeconds(180), "every peer observed below the threshold, both evaluators contributing", () -> {
            requireServicesAlive();
            Set<String> below = new HashSet<>(column(ch, "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE info_hash = '"
                    + infoHash + "' AND success AND pieces < " + PIECES));
            Set<String> evaluators = new HashSet<>(column(ch, "SELECT DISTINCT evaluator FROM btda.observations FINAL"));
            return below.containsAll(observedKeys) && evaluators.containsAll(List.of("evaluator-a", "evaluator-b"));
        });
        LOG.info("every peer observed below the threshold {} ms after the start", ms(t0));

        // The node that leads the metadata quorum goes down hard; the finishers complete only afterwards.
        int victim;
        try (Admin admin = cluster.admin()) {
            victim = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        }
        long observationsBeforeKill = ch.count("SELECT count() FROM btda.observations FINAL");
        cluster.kill(victim);
        Instant killedAt = Instant.now();
        finishers.forEach(p -> p.pieces(PIECES));
        LOG.info("killed node {} (quorum leader) after {} observations; finishers now complete", victim, observationsBeforeKill);

        Map<String, Long> confirmedInClickHouse = new TreeMap<>();
        E2eWaits.until(Duration.ofSeconds(150), "every finisher confirmed in ClickHouse", () -> {
            requireServicesAlive();
            confirmedInClickHouse.clear();
            for (String[] row : ch.rows("SELECT peer_key, count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '"
                    + infoHash + "' GROUP BY peer_key")) {
                confirmedInClickHouse.put(row[0], Long.parseLong(row[1]));
            }
            return confirmedInClickHouse.keySet().containsAll(finisherKeys);
        });
        LOG.info("every finisher confirmed {} s after the kill", Duration.between(killedAt, Instant.now()).toSeconds());
        // Revisits went on after the kill for every peer still downloading (its contact requests were not lost).
        E2eWaits.until(Duration.ofSeconds(60), "observations of every stayer after the kill", () -> {
            requireServicesAlive();
            return column(ch, "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE observed_at > fromUnixTimestamp64Milli("
                    + killedAt.toEpochMilli() + ")").containsAll(keysOf(keyOf, stayers));
        });

        // Every contact request issued so far gets exactly one observation, in the topic and in ClickHouse.
        AvroSerde<ContactRequest> requestSerde = AvroSerde.of(ContactRequest.class);
        Set<String> requested = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(cluster.bootstrapServers(), topics.contacts(), true, Duration.ofSeconds(60))) {
            requested.add(requestSerde.deserialize(topics.contacts(), r.value()).getId());
        }
        AvroSerde<Observation> observationSerde = AvroSerde.of(Observation.class);
        Map<String, Integer> inTopic = new HashMap<>();
        E2eWaits.until(Duration.ofSeconds(90), "an observation of each of the " + requested.size() + " contact requests", () -> {
            requireServicesAlive();
            inTopic.clear();
            for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(cluster.bootstrapServers(), topics.observations(), true,
                    Duration.ofSeconds(60))) {
                inTopic.merge(observationSerde.deserialize(topics.observations(), r.value()).getRequestId(), 1, Integer::sum);
            }
            return inTopic.keySet().containsAll(requested);
        });
        Map<String, Long> inClickHouse = new HashMap<>();
        E2eWaits.until(Duration.ofSeconds(60), "every observation of those requests in ClickHouse", () -> {
            inClickHouse.clear();
            for (String[] row : ch.rows("SELECT request_id, count() FROM btda.observations FINAL GROUP BY request_id")) {
                inClickHouse.put(row[0], Long.parseLong(row[1]));
            }
            return inClickHouse.keySet().containsAll(requested);
        });
        long rawRows = ch.count("SELECT count() FROM btda.observations");
        LOG.info("{} contact requests, {} observations in the topic, {} rows in ClickHouse ({} before FINAL)", requested.size(),
                inTopic.values().stream().mapToInt(Integer::intValue).sum(), inClickHouse.size(), rawRows);
        assertThat(requested.size()).as("contact requests issued").isGreaterThan(2 * (FINISHERS + STAYERS));
        for (String id : requested) {
            assertThat(inTopic.get(id)).as("observations of request " + id + " in the topic").isEqualTo(1);
            assertThat(inClickHouse.get(id)).as("rows of request " + id + " in btda.observations").isEqualTo(1L);
        }
        assertThat(ch.count("SELECT count() FROM btda.observations FINAL WHERE request_id != '' AND observed_at < fromUnixTimestamp64Milli("
                + killedAt.toEpochMilli() + ")")).as("observations from before the kill").isGreaterThanOrEqualTo(observationsBeforeKill);

        // Confirmed downloads: exactly the finishers, once each, in the stream processor's output and in ClickHouse.
        AvroSerde<ConfirmedDownload> confirmedSerde = AvroSerde.of(ConfirmedDownload.class);
        Map<String, Integer> confirmedInTopic = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(cluster.bootstrapServers(), topics.confirmedDownloads(), true,
                Duration.ofSeconds(60))) {
            ConfirmedDownload d = confirmedSerde.deserialize(topics.confirmedDownloads(), r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(PeerRefs.key(d.getInfoHash(), d.getPeerKey()));
            confirmedInTopic.merge(d.getPeerKey(), 1, Integer::sum);
        }
        Map<String, Integer> once = new TreeMap<>();
        finisherKeys.forEach(k -> once.put(k, 1));
        assertThat(confirmedInTopic).as("confirmed downloads in " + topics.confirmedDownloads() + " (read_committed)").isEqualTo(once);
        Map<String, Long> onceRows = new TreeMap<>();
        finisherKeys.forEach(k -> onceRows.put(k, 1L));
        assertThat(confirmedInClickHouse).as("rows of btda.confirmed_downloads FINAL").isEqualTo(onceRows);
        assertThat(ch.count("SELECT count() FROM btda.confirmed_downloads FINAL")).isEqualTo(FINISHERS);

        // Every node but the victim still serves; every service ran through it.
        assertThat(cluster.alive(victim)).isFalse();
        requireServicesAlive();
        Map<String, String> perPeer = new TreeMap<>();
        for (String[] row : ch.rows("SELECT peer_key, count(), min(pieces), max(pieces), countIf(NOT success)"
                + " FROM btda.observations FINAL GROUP BY peer_key")) {
            perPeer.put(keyOf.getOrDefault(row[0], row[0]), row[1] + " obs, pieces " + row[2] + ".." + row[3] + ", failed " + row[4]);
        }
        LOG.info("finished in {} ms; swarm contacts per peer {}; observations per peer {}", ms(t0),
                swarm.peers().stream().map(p -> p.name() + "=" + p.contacts()).toList(), perPeer);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    private static Set<String> keysOf(Map<String, String> keyOf, List<LoopbackSwarm.Peer> peers) {
        Set<String> names = new HashSet<>();
        peers.forEach(p -> names.add(p.name()));
        Set<String> out = new HashSet<>();
        keyOf.forEach((k, name) -> {
            if (names.contains(name)) out.add(k);
        });
        return out;
    }

    private static List<String> column(ClickHouseHttp ch, String sql) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String[] row : ch.rows(sql)) {
            out.add(row[0]);
        }
        return out;
    }

    private void start(String name, List<String> commonArgs) throws IOException {
        String command = name.startsWith("evaluator") ? "evaluator" : name;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // C1 only, as for the nodes: start-up cost dominates on a busy machine, the load here is small
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, "org.btda.launcher.Btda", command));
        cmd.addAll(commonArgs);
        cmd.addAll(List.of("--set", "state.dir=" + Files.createDirectories(tmp.resolve("state-" + name))));
        if (command.equals("evaluator")) {
            cmd.addAll(List.of("--set", "evaluator.instance-id=" + name));
            // two evaluators on one machine would both listen on listen.port; this test is about dialling
            cmd.addAll(List.of("--set", "listen.enabled=false"));
        }
        Path log = logDir().resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BTDA_")); // only the flags configure these processes
        Process p = pb.start();
        services.put(name, p);
        LOG.info("{} started (pid {}), log {}", name, p.pid(), log);
    }

    private void requireServicesAlive() throws IOException {
        for (Map.Entry<String, Process> e : services.entrySet()) {
            if (!e.getValue().isAlive()) {
                throw new AssertionError(e.getKey() + " exited with " + e.getValue().exitValue() + "; log "
                        + logDir().resolve(e.getKey() + ".log"));
            }
        }
    }

    /** Logs (and the nodes' data) of this run, kept under the build dir for a look after a failure. */
    private Path logDir() throws IOException {
        if (runDir == null) {
            String work = System.getProperty("btda.swarm.workdir");
            runDir = work == null ? tmp.resolve("logs")
                    : Path.of(work).getParent().resolve("three-brokers").resolve("run-" + System.currentTimeMillis());
        }
        return Files.createDirectories(runDir);
    }

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
