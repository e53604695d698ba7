package org.btda.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.btda.common.config.Settings;
import org.btda.common.health.Health;
import org.btda.common.health.HealthChecks;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.common.metrics.MetricsConfig;
import org.btda.common.testing.TestKafka;
import org.btda.launcher.Service;
import org.btda.launcher.ServiceCatalog;
import org.btda.launcher.kafka.TopicBootstrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One service started by the launcher against a broker that has no btda topics and does not create topics on use. */
class ServiceRunnerTest {
    @TempDir
    Path tmp;

    private Settings harvesterSettings(TestKafka kafka, int metricsPort) throws Exception {
        return Settings.defaults()
                .with("kafka.bootstrap-servers", kafka.bootstrapServers())
                .with("kafka.topic-prefix", "r" + UUID.randomUUID().toString().substring(0, 8) + ".")
                .with("kafka.partitions", "3")
                .with("kafka.address-retention", "2h")
                .with("torrents.dir", Files.createDirectories(tmp.resolve("torrents")).toString())
                .with("state.dir", tmp.resolve("state").toString())
                .with("listen.port", "0")
                .with("dht.enabled", "false")
                .with("metrics.port", String.valueOf(metricsPort))
                .with("startup.wait", "30s");
    }

    @Test
    void aServiceCreatesEveryTopicWithItsPartitionsRetentionAndPolicyAndCorrectsAnAutoCreatedOne() throws Exception {
        TestKafka kafka = TestKafka.shared();
        int port = freePort();
        Settings settings = harvesterSettings(kafka, port);
        Topics topics = new Topics(KafkaConfig.from(settings));
        // as a broker with auto-create would have made it: the broker's retention and cleanup policy
        kafka.createTopic(new NewTopic(topics.contacts(), 3, (short) 1));
        // the JVM's endpoint answers from the JVM's checks, as in production
        HealthChecks checks = HealthChecks.shared();

        try (ServiceRunner runner = new ServiceRunner(ServiceCatalog.Kind.HARVESTER,
                ServiceCatalog.create(ServiceCatalog.Kind.HARVESTER, settings), MetricsConfig.from(settings), checks)) {
            HttpResponse<String> before = get(port, "/health/ready");
            assertThat(before.statusCode()).isEqualTo(503);
            assertThat(before.body()).contains("not started");

            runner.start();

            List<TopicSpec> wanted = topics.all();
            assertThat(wanted).extracting(TopicSpec::name).as("contributed topics are on the launcher's classpath")
                    .contains(topics.evaluatorStats(), topics.outPeers(), topics.outDiscoveries());
            List<String> names = wanted.stream().map(TopicSpec::name).toList();
            Map<String, TopicDescription> described = kafka.admin().describeTopics(names).allTopicNames().get();
            Map<ConfigResource, Config> configs = kafka.admin().describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
            for (TopicSpec spec : wanted) {
                assertThat(described.get(spec.name()).partitions()).as(spec.name()).hasSize(3);
                Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                assertThat(c.get("cleanup.policy").value()).as(spec.name()).isEqualTo(spec.compacted() ? "compact" : "delete");
                assertThat(c.get("retention.ms").value()).as(spec.name())
                        .isEqualTo(String.valueOf(spec.retention().map(Duration::toMillis).orElse(-1L)));
            }
            Config contacts = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topics.contacts()));
            assertThat(contacts.get("retention.ms").value()).as("kafka.address-retention, not the broker's 7 days")
                    .isEqualTo(String.valueOf(Duration.ofHours(2).toMillis()));
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topics.torrents())).get("cleanup.policy").value())
                    .isEqualTo("compact");

            HttpResponse<String> after = get(port, "/health/ready");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anExistingTopicWithFewerPartitionsStopsTheStartWithTopicExpectedAndActual() throws Exception {
        TestKafka kafka = TestKafka.shared();
        Settings settings = harvesterSettings(kafka, 0);
        Topics topics = new Topics(KafkaConfig.from(settings));
        kafka.createTopic(topics.observations(), 1);

        try (ServiceRunner runner = new ServiceRunner(ServiceCatalog.Kind.HARVESTER,
                ServiceCatalog.create(ServiceCatalog.Kind.HARVESTER, settings), MetricsConfig.from(settings), new HealthChecks())) {
            assertThatThrownBy(runner::start)
                    .isInstanceOf(TopicBootstrap.TopicMismatchException.class)
                    .hasMessageContaining("topic " + topics.observations() + " has 1 partitions, expected 3");
        }
        assertThat(kafka.admin().describeTopics(List.of(topics.observations())).allTopicNames().get()
                .get(topics.observations()).partitions()).as("left as it was").hasSize(1);
    }

    @Test
    void aComponentThatDiesEndsTheWaitWithItsNameAndReasonAndAStopRequestEndsItWithNone() throws Exception {
        AtomicReference<Health> health = new AtomicReference<>(Health.up());
        Service component = new Service() {
            @Override
            public String name() {
                return "worker";
            }

            @Override
            public void start() {
            }

            @Override
            public Health health() {
                return health.get();
            }

            @Override
            public void close() {
            }
        };
        try (ServiceRunner runner = new ServiceRunner(ServiceCatalog.Kind.EVALUATOR, List.of(component),
                MetricsConfig.from(Settings.defaults()), new HealthChecks())) {
            runner.start();
            health.set(Health.dead("consume loop ended: boom"));
            assertThat(runner.awaitStopOrDeath(new CountDownLatch(1), Duration.ofMillis(10)))
                    .contains("worker: consume loop ended: boom");

            health.set(Health.up());
            CountDownLatch stop = new CountDownLatch(1);
            stop.countDown();
            assertThat(runner.awaitStopOrDeath(stop, Duration.ofMillis(10))).isEqualTo(Optional.empty());
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
