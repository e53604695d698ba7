package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.evaluator.EvaluatorService;
import org.btda.evaluator.EvaluatorTopics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Observation;
import org.btda.it.swarm.Swarm;
import org.btda.it.swarm.SwarmOptions;
import org.btda.it.swarm.SwarmPeer;
import org.btda.streams.StreamTopics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's docker-compose.yml as users start it ({@code up --scale evaluator=3}), with docker-compose.test.yml
 * swapping in local stand-ins for the Kafka and ClickHouse images, against a real swarm (two trackers, a Transmission
 * seeder, three rate-limited leechers of different clients, a leecher frozen at half). Run by scripts/compose-tests.sh,
 * which starts dockerd inside the network namespace this JVM runs in and builds the images.
 *
 * <p>Crashes are SIGKILLs of a container's main process from outside ({@code kill -9} of its pid): {@code docker kill}
 * itself marks the container as stopped by hand, and Docker then does not apply the restart policy to it.
 */
@Tag("compose")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeStackTest {
    private static final Logger LOG = LoggerFactory.getLogger(ComposeStackTest.class);
    private static final String PROJECT = "btdatest";
    private static final int EVALUATORS = 3;
    /** One per evaluator member (three plus evaluator-incoming); not the default (6), so the setting is seen to apply. */
    private static final int PARTITIONS = 4;
    /** Not the default (1d), so the test sees the setting reach the broker. */
    private static final String ADDRESS_RETENTION = "2h";
    private static final String BOOTSTRAP = "127.0.0.1:9094";
    private static final Duration UP_DEADLINE = Duration.ofMinutes(5);
    private static final Pattern README_CURL = Pattern.compile("\n {4}(curl -gsS 'http://127\\.0\\.0\\.1:8123/[^\n]*\\\\\n[^\n]*)\n");

    private Path root;
    private Path logs;
    private Swarm swarm;
    private Admin admin;
    private ClickHouseHttp ch;
    private Topics topics;
    private String infoHash;
    private Instant startedAt;
    private final Map<String, String> keyOf = new LinkedHashMap<>();
    private final Map<String, String> timings = new LinkedHashMap<>();
    private final List<String> composeBase = new ArrayList<>();
    private final Map<String, String> composeEnv = new HashMap<>();
    private final AvroSerde<ContactRequest> requestSerde = AvroSerde.of(ContactRequest.class);
    private final AvroSerde<Observation> observationSerde = AvroSerde.of(Observation.class);
    private final AvroSerde<ConfirmedDownload> confirmedSerde = AvroSerde.of(ConfirmedDownload.class);

    @BeforeAll
    void startSwarmAndStack() throws Exception {
        root = Path.of(requireEnv("COMPOSE_TEST_ROOT"));
        logs = Files.createDirectories(Path.of(requireEnv("COMPOSE_TEST_LOGS")));
        System.setProperty("btda.namespace.docker", "true"); // dockerd's bridges live in this namespace (see Namespace)
        startedAt = Instant.now();
        long t0 = System.nanoTime();
        // 12 MiB at 32 KiB/s: about 6.5 minutes per leecher, long enough for the stack to come up and for both crashes
        // to land while the leechers are still downloading. Not qBittorrent: the fixture binds it to the device lo, so
        // it refuses connections arriving from the containers' bridge.
        swarm = Swarm.start(logs.resolve("swarm-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC).format(startedAt)),
                new SwarmOptions(12L * 1024 * 1024, 15, 32 * 1024, List.of(SwarmOptions.Implementation.TRANSMISSION,
                        SwarmOptions.Implementation.ARIA2, SwarmOptions.Implementation.RTORRENT), true));
        infoHash = swarm.torrent().infoHashHex();
        timings.put("swarm start", ms(t0));

        Path torrents = Files.createDirectories(swarm.workDir().resolve("compose-torrents"));
        Files.copy(swarm.torrent().torrentFile(), torrents.resolve("swarm.torrent"));
        Settings settings = testSettings();
        topics = new Topics(KafkaConfig.from(settings));
        Path envFile = swarm.workDir().resolve("compose-test.env");
        Files.writeString(envFile, envFile(settings));

        composeBase.addAll(List.of("/usr/bin/docker-compose", "-p", PROJECT, "--project-directory", root.toString(),
                "-f", root.resolve("docker-compose.yml").toString(), "-f", root.resolve("docker-compose.test.yml").toString()));
        composeEnv.put("BTDA_TEST_ENV", envFile.toString());
        composeEnv.put("BTDA_TORRENTS", torrents.toString());
        composeEnv.put("BTDA_PEER_PORT", "7881"); // the swarm's clients listen on 6881 in this namespace
        composeEnv.put("BTDA_GEOIP", root.resolve("data/geoip").toRealPath().toString());

        // The deployment secret, planted in the secret volume before the services make one: chosen so that the swarm's
        // five peers fall into every partition of the per-peer topics. Each evaluator owns one partition, so each has
        // peers to contact; with a random secret an evaluator may own only partitions without a swarm peer and,
        // correctly, observe nothing.
        byte[] secret = secretSpreadingPeersOverEveryPartition();
        Path secretDir = Files.createDirectories(swarm.workDir().resolve("secret"));
        Files.write(secretDir.resolve("secret"), secret);
        docker(Duration.ofSeconds(60), "volume", "create", "--label", "com.docker.compose.project=" + PROJECT,
                "--label", "com.docker.compose.volume=btda-secret", PROJECT + "_btda-secret");
        docker(Duration.ofMinutes(2), "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh",
                "-v", PROJECT + "_btda-secret:/s", "-v", secretDir + ":/in:ro", "btda:latest",
                "-c", "cp /in/secret /s/secret && chmod 600 /s/secret");

        t0 = System.nanoTime();
        compose(Duration.ofMinutes(5), "up", "-d", "--no-build", "--scale", "evaluator=" + EVALUATORS);
        awaitAllHealthy();
        timings.put("compose up until every service healthy", ms(t0));

        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        admin = Admin.create(ap);
        ch = ClickHouseHttp.fromJdbcUrl("jdbc:clickhouse://127.0.0.1:8123");

        // The services kept the planted secret (they create one only where none exists).
        Path used = secretDir.resolve("used");
        docker(Duration.ofSeconds(30), "cp", containers("harvester").get(0) + ":/var/lib/btda/secret/secret", used.toString());
        assertThat(Files.readAllBytes(used)).as("the secret in the volume").isEqualTo(secret);
        PeerKeys keys = new PeerKeys(secret);
        for (SwarmPeer p : swarm.peers()) {
            keyOf.put(p.name(), keys.key(infoHash, p.peerAddress().getAddress(), p.peerAddress().getPort()));
        }
        LOG.info("compose stack up; peer keys {}", keyOf);
    }

    @AfterAll
    void tearDown() {
        LOG.info("compose test timings: {}", timings);
        if (!composeBase.isEmpty()) {
            try {
                Files.writeString(logs.resolve("compose-services.log"), compose(Duration.ofMinutes(2), "logs", "--no-color", "-t"));
            } catch (Exception e) {
                LOG.warn("could not save the services' logs: {}", e.toString());
            }
            try {
                compose(Duration.ofMinutes(3), "down", "-v", "--timeout", "20");
            } catch (Exception e) {
                LOG.warn("compose down failed (the script removes what is left): {}", e.toString());
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (swarm != null) {
            swarm.close();
        }
    }

    // ---- topics -------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void everyTopicHasTheConfiguredPartitionsRetentionAndCleanupPolicy() throws Exception {
        // The services' topics: the core ones and their own contributions (topics.all() here would also see the test
        // contributor on this classpath).
        List<TopicSpec> specs = new ArrayList<>(topics.core());
        specs.addAll(new EvaluatorTopics().topics(topics));
        specs.addAll(new StreamTopics().topics(topics));
        Set<String> names = specs.stream().map(TopicSpec::name).collect(Collectors.toSet());
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (TopicSpec spec : specs) {
            assertThat(described.get(spec.name()).partitions()).as(spec.name() + " partitions").hasSize(PARTITIONS);
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            for (Map.Entry<String, String> e : spec.configs().entrySet()) {
                assertThat(c.get(e.getKey()).value()).as(spec.name() + " " + e.getKey()).isEqualTo(e.getValue());
            }
        }
        long addressRetentionMs = Duration.ofHours(2).toMillis();
        for (String plaintext : List.of(topics.discovered(), topics.contacts())) {
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, plaintext)).get("retention.ms").value())
                    .as(plaintext + " keeps plaintext addresses for kafka.address-retention")
                    .isEqualTo(Long.toString(addressRetentionMs));
        }
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topics.torrents())).get("cleanup.policy").value())
                .isEqualTo("compact");
    }

    // ---- scale-out ----------------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void everyEvaluatorContainerGetsPartitionsAndContributesObservations() throws Exception {
        long t0 = System.nanoTime();
        Map<String, String> byAddress = awaitEveryEvaluatorAssigned(Set.of());
        awaitObservationsFrom(new HashSet<>(byAddress.values()));
        timings.put("every evaluator assigned and contributing", ms(t0));
    }

    // ---- crashes ------------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void anEvaluatorKilledMidDownloadIsRestartedAndTakesPartitionsAgain() throws Exception {
        String victim = containers("evaluator").get(0);
        String address = ipOf(victim);
        Map<String, String> before = awaitEveryEvaluatorAssigned(Set.of());
        String oldId = before.get(address);
        requireMidDownload("before the evaluator crash");
        long t0 = System.nanoTime();
        crash(victim);
        // Every contact request published up to the crash, the killed process's uncommitted ones included.
        Set<String> requested = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(BOOTSTRAP, topics.contacts(), true, Duration.ofSeconds(60))) {
            requested.add(requestSerde.deserialize(topics.contacts(), r.value()).getId().toString());
        }
        assertThat(requested).as("contact requests before the crash").isNotEmpty();
        awaitRestartedAndHealthy(victim);
        timings.put("evaluator back and healthy after SIGKILL", ms(t0));
        // A fresh process: a new instance id at the same container address, with partitions, contributing again.
        Map<String, String> after = awaitEveryEvaluatorAssigned(Set.of(oldId));
        String newId = after.get(address);
        assertThat(newId).as("the restarted evaluator's instance id").isNotNull().isNotEqualTo(oldId);
        awaitObservationsFrom(Set.of(newId));
        timings.put("restarted evaluator contributing", ms(t0));
        // Nothing lost: each of those requests ends in an observation (a redelivered one may be answered twice).
        Set<String> missing = new HashSet<>();
        E2eWaits.until(Duration.ofMinutes(3), "an observation for every contact request made before the crash", () -> {
            missing.clear();
            missing.addAll(requested);
            for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(BOOTSTRAP, topics.observations(), true, Duration.ofSeconds(60))) {
                missing.remove(String.valueOf(observationSerde.deserialize(topics.observations(), r.value()).getRequestId()));
            }
            return missing.isEmpty();
        });
        LOG.info("{} contact requests before the crash, every one observed", requested.size());
    }

    @Test
    @Order(4)
    void theStreamProcessorKilledMidDownloadIsRestarted() throws Exception {
        String victim = containers("stream-processor").get(0);
        long observationsBefore = ch.count("SELECT count() FROM btda.observations WHERE info_hash = '" + infoHash + "'");
        requireMidDownload("before the stream-processor crash");
        long t0 = System.nanoTime();
        crash(victim);
        awaitRestartedAndHealthy(victim);
        timings.put("stream processor back and healthy after SIGKILL", ms(t0));
        E2eWaits.until(Duration.ofMinutes(2), "new observations in ClickHouse after the stream processor's restart",
                () -> ch.count("SELECT count() FROM btda.observations WHERE info_hash = '" + infoHash + "'") > observationsBefore);
    }

    // ---- results ------------------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void confirmedDownloadsAreExactlyTheSwarmsFinishersOnceEach() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Duration> times = swarm.awaitAllComplete(Duration.ofMinutes(8));
        LOG.info("leechers complete: {}", times);
        Set<String> leechers = swarm.leechers().stream().map(p -> keyOf.get(p.name())).collect(Collectors.toSet());
        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        E2eWaits.until(Duration.ofMinutes(2), "a confirmed download of every leecher",
                () -> new HashSet<>(column(confirmedSql)).containsAll(leechers));
        timings.put("confirmed downloads complete after the leechers", ms(t0));

        // Incoming peers that sent no BEP 10 listen port are keyed by peer id: such a peer's download may be confirmed
        // a second time under that key (as in the single-process end-to-end test). Nobody else may appear.
        Set<String> byPeerId = new HashSet<>(column("SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash
                + "' AND identity = 'PEER_ID' AND has(sources, 'INCOMING')"));
        List<String> confirmed = new ArrayList<>(column(confirmedSql));
        confirmed.removeAll(byPeerId);
        assertThat(confirmed).as("confirmed downloads (FINAL): every finisher once, nobody else")
                .containsExactlyInAnyOrderElementsOf(leechers);
        assertThat(confirmed).doesNotContain(keyOf.get(swarm.seeder().name()),
                keyOf.get(swarm.halfLeecher().orElseThrow().name()));

        // The topic agrees (read committed): confirmations of exactly the finishers. A confirmation may be revised when
        // an earlier sample arrives late (several evaluators observe one peer; the revision has a higher version, and
        // ClickHouse keeps the latest), but no version of a peer's confirmation appears twice: the crashes neither
        // lost nor repeated one.
        Map<String, List<Long>> versions = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(BOOTSTRAP, topics.confirmedDownloads(), true, Duration.ofSeconds(60))) {
            ConfirmedDownload d = confirmedSerde.deserialize(topics.confirmedDownloads(), r.value());
            versions.computeIfAbsent(String.valueOf(d.getPeerKey()), k -> new ArrayList<>()).add(d.getVersion());
        }
        versions.keySet().removeAll(byPeerId);
        LOG.info("confirmed-download versions on the topic: {}", versions);
        assertThat(versions.keySet()).as("peers with confirmed-download records").isEqualTo(new TreeSet<>(leechers));
        versions.forEach((k, v) -> assertThat(v).as("versions of " + k + "'s confirmation").doesNotHaveDuplicates());
    }

    @Test
    @Order(6)
    void theReadmeCurlRecipeAnswersOnTheLoopbackPort() throws Exception {
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = README_CURL.matcher(readme);
        assertThat(m.find()).as("README's curl recipe").isTrue();
        String recipe = m.group(1).replace("\\\n", " ");
        String verbatim = sh(recipe);
        assertThat(verbatim).as("the recipe verbatim").doesNotContain("Exception", "Code:");

        // The same recipe over this run's hours: one row per hour with the run's confirmed downloads.
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'%20'HH:mm:ss").withZone(ZoneOffset.UTC);
        String thisRun = recipe.replaceFirst("param_from=[^&]*", "param_from=" + f.format(startedAt.minus(Duration.ofHours(1))))
                .replaceFirst("param_to=[^&']*", "param_to=" + f.format(Instant.now().plus(Duration.ofHours(1))))
                .replace("default_format=PrettyCompact", "default_format=TSV");
        String out = sh(thisRun);
        long total = 0;
        for (String line : out.strip().split("\n")) {
            String[] cols = line.split("\t"); // hour, torrent ('all' = the hour's total), downloads, unknown client
            if (cols.length > 2 && cols[1].equals("all")) {
                total += Long.parseLong(cols[2]);
            }
        }
        long expected = ch.count("SELECT count() FROM btda.confirmed_downloads FINAL");
        assertThat(total).as("confirmed downloads per hour over the run, summed (" + out + ")").isEqualTo(expected);
        assertThat(expected).isPositive();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /** Settings of the run (short announce and revisit intervals for a few-minute swarm), given to the services as env. */
    private static final Map<String, String> TEST_SETTINGS = testSettingValues();

    private static Map<String, String> testSettingValues() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kafka.partitions", Integer.toString(PARTITIONS));
        m.put("kafka.address-retention", ADDRESS_RETENTION);
        m.put("tracker.interval-cap", "10s");
        m.put("tracker.min-interval", "5s");
        m.put("tracker.scrape-interval", "30s");
        m.put("tracker.timeout", "5s");
        m.put("tracker.udp-retransmit-base", "2s");
        m.put("revisit.delay", "5s");
        m.put("revisit.backoff-base", "5s");
        m.put("network.timeout", "3s");
        m.put("evaluator.session-cap", "5s");
        m.put("evaluator.connect-timeout", "3s");
        // Every leecher observed complete (see btda-e2e.properties: the threshold logic is the same for any value).
        m.put("completion.threshold", "1.0");
        m.put("speed.min-interval", "30s");
        m.put("torrents.scan-interval", "1s");
        m.put("clickhouse.flush-interval", "500ms");
        m.put("stats.interval", "10s");
        m.put("startup.wait", "4m");
        // Nothing in the namespace answers DNS or the DHT.
        m.put("dns.enabled", "false");
        m.put("dht.enabled", "false");
        return m;
    }

    private static Settings testSettings() {
        Settings s = Settings.defaults();
        for (Map.Entry<String, String> e : TEST_SETTINGS.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    private static String envFile(Settings validated) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : TEST_SETTINGS.entrySet()) {
            b.append(Settings.setting(e.getKey()).envVar()).append('=').append(e.getValue()).append('\n');
        }
        // Seven JVMs share a small machine: bounded heaps, and the quick compiler only (short runs, less CPU at start).
        b.append("JAVA_TOOL_OPTIONS=-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC\n");
        return b.toString();
    }

    /** A random secret under which the swarm's peers (keyed as the producers key them) cover every partition. */
    private byte[] secretSpreadingPeersOverEveryPartition() {
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[Secrets.SECRET_BYTES];
        for (int attempt = 0; attempt < 10_000; attempt++) {
            random.nextBytes(secret);
            PeerKeys keys = new PeerKeys(secret);
            Set<Integer> partitions = new HashSet<>();
            for (SwarmPeer p : swarm.peers()) {
                String ref = PeerRefs.key(infoHash, keys.key(infoHash, p.peerAddress().getAddress(), p.peerAddress().getPort()));
                partitions.add(Utils.toPositive(Utils.murmur2(ref.getBytes(StandardCharsets.UTF_8))) % PARTITIONS);
            }
            if (partitions.size() == PARTITIONS) {
                return secret.clone();
            }
        }
        throw new IllegalStateException("no secret spreads " + swarm.peers().size() + " peers over " + PARTITIONS + " partitions");
    }

    /** Address (container IP) → consumer client id of every evaluator member, once all EVALUATORS + 1 have partitions. */
    private Map<String, String> awaitEveryEvaluatorAssigned(Set<String> gone) throws Exception {
        String group = EvaluatorService.groupId(topics);
        Map<String, String> byAddress = new HashMap<>();
        Set<String> expectedAddresses = new HashSet<>();
        E2eWaits.until(Duration.ofMinutes(3), "every evaluator container a member of " + group + " with partitions of "
                + topics.contacts(), () -> {
            expectedAddresses.clear();
            for (String c : containers("evaluator")) {
                expectedAddresses.add(ipOf(c));
            }
            expectedAddresses.add(ipOf(containers("harvester").get(0))); // evaluator-incoming shares its network
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            byAddress.clear();
            int assigned = 0;
            for (MemberDescription member : d.members()) {
                if (gone.contains(member.clientId())) {
                    return false; // a killed process still holds its place until its session times out
                }
                long mine = member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topics.contacts())).count();
                if (mine > 0) {
                    byAddress.put(member.host().replace("/", ""), member.clientId());
                    assigned += (int) mine;
                }
            }
            return assigned == PARTITIONS && byAddress.keySet().equals(expectedAddresses);
        });
        assertThat(byAddress).hasSize(EVALUATORS + 1);
        LOG.info("evaluators by address: {}", byAddress);
        return byAddress;
    }

    private void awaitObservationsFrom(Set<String> evaluatorIds) throws Exception {
        E2eWaits.until(Duration.ofMinutes(3), "observations of the swarm from every evaluator " + evaluatorIds, () -> {
            Set<String> contributing = new HashSet<>(column("SELECT DISTINCT evaluator FROM btda.observations WHERE info_hash = '"
                    + infoHash + "' AND evaluator IS NOT NULL"));
            return contributing.containsAll(evaluatorIds);
        });
    }

    /** The leechers are still downloading: the crash must land mid-download to mean anything. */
    private void requireMidDownload(String when) {
        Map<String, Double> latest = new HashMap<>();
        for (Swarm.Sample s : swarm.samples()) {
            latest.put(s.peer(), s.progress());
        }
        for (SwarmPeer p : swarm.leechers()) {
            assertThat(latest.getOrDefault(p.name(), 0.0)).as(p.name() + " progress " + when).isLessThan(0.95);
        }
    }

    /** SIGKILL of the container's main process from outside, as a crash or the OOM killer would end it. */
    private void crash(String container) throws Exception {
        String pid = docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Pid}}", container).strip();
        assertThat(Long.parseLong(pid)).as(container + " pid").isPositive();
        LOG.info("SIGKILL to {} (pid {})", container, pid);
        Process p = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    private void awaitRestartedAndHealthy(String container) throws Exception {
        E2eWaits.until(Duration.ofMinutes(4), container + " restarted by its restart policy and healthy", () -> {
            String[] s = docker(Duration.ofSeconds(30), "inspect", "-f",
                    "{{.RestartCount}} {{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", container).strip().split(" ");
            return Integer.parseInt(s[0]) >= 1 && s[1].equals("true") && s.length > 2 && s[2].equals("healthy");
        });
    }

    private void awaitAllHealthy() throws Exception {
        List<String> services = List.of("kafka", "clickhouse", "harvester", "evaluator", "evaluator-incoming", "stream-processor");
        Map<String, String> status = new TreeMap<>();
        try {
            E2eWaits.until(UP_DEADLINE, "every service healthy", () -> {
                status.clear();
                boolean all = true;
                for (String service : services) {
                    for (String c : containers(service)) {
                        String h = docker(Duration.ofSeconds(30), "inspect", "-f",
                                "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", c).strip();
                        status.put(service + "/" + c.substring(0, 12), h);
                        all &= h.equals("running healthy");
                    }
                }
                return all && containers("evaluator").size() == EVALUATORS;
            });
        } finally {
            LOG.info("service states: {}", status);
        }
    }

    private List<String> containers(String service) throws Exception {
        String out = compose(Duration.ofSeconds(60), "ps", "-q", service).strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    private String ipOf(String container) throws Exception {
        String ip = docker(Duration.ofSeconds(30), "inspect", "-f",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", container).strip();
        assertThat(ip).as(container + " address").matches("198\\.19\\.\\d+\\.\\d+");
        return InetAddress.getByName(ip).getHostAddress();
    }

    private List<String> column(String sql) throws Exception {
        return ch.rows(sql).stream().map(r -> r[0]).toList();
    }

    private String compose(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(composeBase);
        cmd.addAll(List.of(args));
        return run(cmd, timeout);
    }

    private String docker(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/docker"));
        cmd.addAll(List.of(args));
        return run(cmd, timeout);
    }

    private String sh(String script) throws Exception {
        return run(List.of("bash", "-c", script), Duration.ofSeconds(60));
    }

    private String run(List<String> cmd, Duration timeout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().putAll(composeEnv);
        Path out = Files.createTempFile(logs, "cmd", ".out");
        Path err = Files.createTempFile(logs, "cmd", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + cmd);
            }
            String stdout = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + cmd + "\n" + Files.readString(err) + stdout);
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String requireEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run scripts/compose-tests.sh");
        }
        return v;
    }

    private static String ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000 + " ms";
    }
}
