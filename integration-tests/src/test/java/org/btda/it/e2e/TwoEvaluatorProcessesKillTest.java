package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
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
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.evaluator.EvaluatorService;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out and crash safety of the evaluator as users run it: two {@code btda evaluator} processes (the real CLI, own
 * JVMs) in one consumer group on a real broker, a few hundred contact requests to a real libtorrent seeder and to closed
 * ports on loopback. Once both have taken partitions and contributed, one is killed with SIGKILL; every request must
 * still end in an observation (the survivor takes over the uncommitted ones; duplicates are allowed, losses are not).
 */
class TwoEvaluatorProcessesKillTest {
    private static final Logger LOG = LoggerFactory.getLogger(TwoEvaluatorProcessesKillTest.class);
    private static final int PARTITIONS = 6;
    private static final int SEEDER_REQUESTS = 240;
    private static final int REFUSED_REQUESTS = 60;

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private final AvroSerde<ContactRequest> requestSerde = AvroSerde.of(ContactRequest.class);
    private final AvroSerde<Observation> observationSerde = AvroSerde.of(Observation.class);

    @AfterEach
    void stopProcesses() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void killingOneOfTwoEvaluatorProcessesLosesNoRequest() throws Exception {
        TestKafka kafka = TestKafka.shared();
        String prefix = "e2e" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Settings settings = Settings.defaults().with("kafka.topic-prefix", prefix)
                .with("kafka.partitions", Integer.toString(PARTITIONS));
        Topics topics = new Topics(KafkaConfig.from(settings));
        for (TopicSpec spec : topics.all()) {
            kafka.createTopic(spec.newTopic());
        }

        Seeder seeder = startSeeder();
        int refusedPort = closedPort();

        // After its bitfield the libtorrent peer stays connected and quiet, so every contact lasts the quiet timeout, and
        // few sessions per process keep the run going long enough to kill one process in the middle of it.
        List<String> common = List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "kafka.topic-prefix=" + prefix,
                "--set", "kafka.partitions=" + PARTITIONS,
                "--set", "security.secret-file=" + tmp.resolve("secret"),
                "--set", "network.timeout=2s",
                "--set", "evaluator.session-cap=5s",
                "--set", "evaluator.max-sessions=6",
                "--set", "dns.enabled=false",
                "--set", "stats.interval=2s",
                // two processes on one machine: they would both listen on listen.port; this test is about dialling
                "--set", "listen.enabled=false");
        Process a = startEvaluator("evaluator-a", common);
        Process b = startEvaluator("evaluator-b", common);

        // Both joined the group and split the partitions before any request exists.
        String group = EvaluatorService.groupId(topics);
        Map<String, Set<TopicPartition>> assignment = new HashMap<>();
        E2eWaits.until(Duration.ofSeconds(90), "two evaluator members sharing the partitions of " + topics.contacts(), () -> {
            requireAlive(a, "evaluator-a");
            requireAlive(b, "evaluator-b");
            ConsumerGroupDescription d = kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            assignment.clear();
            for (MemberDescription m : d.members()) {
                Set<TopicPartition> parts = new HashSet<>(m.assignment().topicPartitions());
                parts.removeIf(tp -> !tp.topic().equals(topics.contacts()));
                assignment.put(m.clientId(), parts);
            }
            return assignment.size() == 2 && assignment.values().stream().noneMatch(Set::isEmpty)
                    && assignment.values().stream().mapToInt(Set::size).sum() == PARTITIONS;
        });
        LOG.info("assignment before the kill: {}", assignment);

        // The requests: distinct peer keys, so they spread over every partition.
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            int torrent = 0;
            for (int i = 0; i < SEEDER_REQUESTS + REFUSED_REQUESTS; i++) {
                boolean toSeeder = i % 5 != 4;
                // One torrent per libtorrent contact (see libtorrent-seed.py); refused ones name any torrent.
                String infoHash = seeder.infoHashes.get(toSeeder ? torrent++ : 0);
                String id = (toSeeder ? "seed-" : "refused-") + i;
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), toSeeder ? seeder.port : refusedPort);
                String peerKey = String.format("%032x", i);
                ContactRequest r = new ContactRequest(id, infoHash, peerKey,
                        new PeerEndpoint(ByteBuffer.wrap(target.getAddress().getAddress()), target.getPort()),
                        now, 0, PeerSource.TRACKER, seeder.pieces, 16384L);
                var md = producer.send(new ProducerRecord<>(topics.contacts(), PeerRefs.key(infoHash, peerKey),
                        requestSerde.serialize(topics.contacts(), r))).get(30, TimeUnit.SECONDS);
                partitionOf.put(id, md.partition());
                expected.put(id, toSeeder ? "SUCCESS" : FailureReason.REFUSED.name());
            }
        }
        assertThat(expected).hasSize(300);

        // Both processes contribute; then SIGKILL one mid-run.
        E2eWaits.until(Duration.ofSeconds(60), "observations from both evaluator processes", () -> {
            Map<String, Long> by = countByEvaluator(observations(kafka, topics));
            return by.getOrDefault("evaluator-a", 0L) >= 10 && by.getOrDefault("evaluator-b", 0L) >= 10;
        });
        List<Observation> beforeKill = observations(kafka, topics);
        Set<String> answeredBeforeKill = new HashSet<>();
        beforeKill.forEach(o -> answeredBeforeKill.add(o.getRequestId()));
        a.destroyForcibly(); // SIGKILL: no drain, no final commit
        assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        Instant killedAt = Instant.now();
        Map<String, Long> contributedBeforeKill = countByEvaluator(beforeKill);
        LOG.info("session ms of the first observations: {}", beforeKill.stream().limit(20)
                .map(o -> o.getSessionMs() + (o.getSuccess() ? "" : " " + o.getFailure())).toList());
        LOG.info("before the kill: {} observations {} ({} of {} requests answered)", beforeKill.size(), contributedBeforeKill,
                answeredBeforeKill.size(), expected.size());
        assertThat(answeredBeforeKill.size()).as("the kill happens mid-run").isLessThan(expected.size());

        // The survivor takes over evaluator-a's partitions (after the group's session timeout) and answers the rest.
        List<Observation> all = new ArrayList<>();
        E2eWaits.until(Duration.ofSeconds(150), "an observation for every request id", () -> {
            requireAlive(b, "evaluator-b");
            all.clear();
            all.addAll(observations(kafka, topics));
            Set<String> ids = new HashSet<>();
            all.forEach(o -> ids.add(o.getRequestId()));
            return ids.containsAll(expected.keySet());
        });
        LOG.info("complete {} s after the kill: {} observations for {} requests", Duration.between(killedAt, Instant.now()).toSeconds(),
                all.size(), expected.size());

        Map<String, List<Observation>> byId = new HashMap<>();
        all.forEach(o -> byId.computeIfAbsent(o.getRequestId(), k -> new ArrayList<>()).add(o));
        assertThat(byId.keySet()).as("no other ids").isEqualTo(expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            for (Observation o : byId.get(e.getKey())) {
                String outcome = o.getSuccess() ? "SUCCESS" : o.getFailure().name();
                assertThat(outcome).as(e.getKey() + " outcome (" + o.getFailureDetail() + ")").isEqualTo(e.getValue());
                if (o.getSuccess()) {
                    assertThat(o.getPieces()).as(e.getKey() + " pieces").isEqualTo(seeder.pieces);
                }
            }
        }
        // Both contributed before the kill, and the survivor answered requests from the killed process's partitions.
        assertThat(contributedBeforeKill).containsOnlyKeys("evaluator-a", "evaluator-b");
        Set<Integer> partitionsOfA = new HashSet<>();
        assignment.getOrDefault("evaluator-a", Set.of()).forEach(tp -> partitionsOfA.add(tp.partition()));
        assertThat(partitionsOfA).as("evaluator-a's partitions").isNotEmpty();
        long takenOver = all.stream().filter(o -> "evaluator-b".equals(o.getEvaluator()))
                .filter(o -> partitionsOfA.contains(partitionOf.get(o.getRequestId())))
                .filter(o -> !answeredBeforeKill.contains(o.getRequestId())).count();
        assertThat(takenOver).as("requests of the killed process's partitions answered by the survivor").isPositive();
        long duplicates = all.size() - byId.size();
        LOG.info("duplicates (redelivered after the kill): {}; taken over: {}", duplicates, takenOver);
        seeder.close();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    private List<Observation> observations(TestKafka kafka, Topics topics) {
        List<Observation> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(kafka.bootstrapServers(), topics.observations(), true,
                Duration.ofSeconds(30))) {
            out.add(observationSerde.deserialize(topics.observations(), r.value()));
        }
        return out;
    }

    private static Map<String, Long> countByEvaluator(List<Observation> obs) {
        Map<String, Long> m = new HashMap<>();
        obs.forEach(o -> m.merge(String.valueOf(o.getEvaluator()), 1L, Long::sum));
        return m;
    }

    private Process startEvaluator(String id, List<String> commonArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", cp, "org.btda.launcher.Btda", "evaluator"));
        cmd.addAll(commonArgs);
        cmd.addAll(List.of("--set", "evaluator.instance-id=" + id));
        Path log = logDir().resolve(id + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BTDA_")); // only the flags configure these processes
        Process p = pb.start();
        processes.add(p);
        LOG.info("{} started (pid {}), log {}", id, p.pid(), log);
        return p;
    }

    private Path logDir() throws IOException {
        String work = System.getProperty("btda.swarm.workdir");
        Path dir = work == null ? tmp : Path.of(work).getParent().resolve("two-evaluators");
        return Files.createDirectories(dir);
    }

    private void requireAlive(Process p, String name) throws IOException {
        if (!p.isAlive()) {
            throw new IllegalStateException(name + " exited with " + p.exitValue() + "; log " + logDir().resolve(name + ".log"));
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** libtorrent (Debian's python3-libtorrent) on 127.0.0.1 seeding one small torrent per contact request. */
    private record Seeder(Process process, int port, int pieces, List<String> infoHashes) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Seeder startSeeder() throws Exception {
        Path script = tmp.resolve("libtorrent-seed.py");
        try (InputStream in = getClass().getResourceAsStream("/e2e/libtorrent-seed.py")) {
            Files.copy(in, script);
        }
        Path dir = Files.createDirectories(tmp.resolve("seed"));
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), "300", Integer.toString(SEEDER_REQUESTS), "4")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> hashes = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && line.startsWith("TORRENT ")) {
            hashes.add(line.substring("TORRENT ".length()));
        }
        assertThat(line).as("seeder output").startsWith("READY ");
        assertThat(hashes).hasSize(SEEDER_REQUESTS).doesNotHaveDuplicates();
        String[] f = line.split(" ");
        return new Seeder(p, Integer.parseInt(f[1]), Integer.parseInt(f[2]), hashes);
    }
}
