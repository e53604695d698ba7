package org.btda.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.btda.common.config.Settings;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code btda local} stack: embedded broker, topics, ClickHouse started by scripts/clickhouse.sh. */
class LocalStackTest {
    @TempDir
    Path stateDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startsBrokerTopicsAndClickHouseThenStopsInReverseAndRestartsOnSameState() throws Exception {
        Settings settings = Settings.builder()
                .set(Settings.STATE_DIR.key(), stateDir.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .set(Settings.KAFKA_PARTITIONS.key(), "3")
                .set(Settings.LISTEN_PORT.key(), "0")
                // An empty torrents dir and no DHT (the default): the harvester runs but contacts nobody.
                .set(Settings.TORRENTS_DIR.key(), Files.createDirectories(stateDir.resolve("torrents")).toString())
                .build();
        List<String> expectedTopics = new Topics(KafkaConfig.from(settings)).all().stream().map(TopicSpec::name).toList();
        int httpPort;
        try (LocalStack stack = LocalStack.start(settings, Map.of(), false)) {
            assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(stack.settings().get(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo(stack.bootstrapServers());
            assertThat(stack.createdTopics()).containsExactlyInAnyOrderElementsOf(expectedTopics);
            try (Admin admin = Admin.create(stack.kafka().clientConfig())) {
                var described = admin.describeTopics(expectedTopics).allTopicNames().get();
                assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
            }
            String url = stack.clickhouseUrl();
            assertThat(url).startsWith("jdbc:clickhouse://127.0.0.1:");
            httpPort = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
            assertThat(query(httpPort, "SELECT 40 + 2")).isEqualTo("42");
            // Migrations ran before the services: the schema and its bookkeeping table exist.
            assertThat(Integer.parseInt(query(httpPort, "SELECT count() FROM btda.schema_migrations"))).isPositive();
            assertThat(stack.notWired()).isEmpty();
            // The services really run: their consumer groups join the embedded broker.
            try (Admin admin = Admin.create(stack.kafka().clientConfig())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                java.util.Set<String> groups = java.util.Set.of();
                while (System.nanoTime() < deadline) {
                    groups = admin.listGroups().all().get().stream().map(g -> g.groupId())
                            .collect(java.util.stream.Collectors.toSet());
                    if (groups.containsAll(List.of("btda.stream-processor", "btda.evaluator"))) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(groups).contains("btda.stream-processor", "btda.evaluator");
            }
            // The run record: one open row for this start.
            assertThat(query(httpPort, "SELECT count(), countIf(stopped_at IS NULL), any(command) FROM btda.runs FINAL"))
                    .isEqualTo("1\t1\tlocal");
            // The status line reads every real service's counters (none unknown) and ClickHouse's counts.
            var figures = stack.statusCounters().get();
            assertThat(figures).hasNoNullFieldsOrProperties();
            assertThat(figures.torrents()).isZero();
            assertThat(figures.peersKnown()).isZero();
            // The live report answers on loopback, drawn from this run's ClickHouse (the run is in its header data).
            assertThat(stack.reportUrl()).startsWith("http://127.0.0.1:");
            java.net.http.HttpResponse<String> report = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.reportUrl() + "data.json"))
                            .timeout(Duration.ofSeconds(60)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(report.statusCode()).isEqualTo(200);
            assertThat(report.body()).contains("\"runs\":{\"file\":\"runs_in_window.sql\"").containsPattern("\"command\":\\s*\"local\"");
            assertThat(stateDir.resolve("kafka/data/meta.properties")).exists();
            assertThat(stateDir.resolve("clickhouse/clickhouse.pid")).exists();
        }
        assertThat(stateDir.resolve("clickhouse/clickhouse.pid")).as("ClickHouse stopped").doesNotExist();
        int stoppedPort = httpPort;
        assertThatThrownBy(() -> query(stoppedPort, "SELECT 1")).isInstanceOf(java.io.IOException.class);

        try (LocalStack again = LocalStack.start(settings, Map.of(), false)) {
            assertThat(again.createdTopics()).as("topics survive a restart").isEmpty();
            String url2 = again.clickhouseUrl();
            int port2 = Integer.parseInt(url2.substring(url2.lastIndexOf(':') + 1));
            // The first run was closed cleanly (its stop row written before ClickHouse stopped); the second is open.
            assertThat(query(port2, "SELECT count(), countIf(clean_stop AND stopped_at IS NOT NULL),"
                    + " countIf(stopped_at IS NULL) FROM btda.runs FINAL")).isEqualTo("2\t1\t1");
            try (Admin admin = Admin.create(again.kafka().clientConfig())) {
                assertThat(admin.listTopics().names().get()).containsAll(expectedTopics);
            }
        }
    }

    @Test
    void unreachableClickHouseUrlFailsTheStartAndStopsTheBrokerAgain() throws Exception {
        int deadPort = org.btda.launcher.kafka.FreePorts.loopback();
        Settings settings = Settings.builder()
                .set(Settings.STATE_DIR.key(), stateDir.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .set(Settings.CLICKHOUSE_URL.key(), "jdbc:clickhouse://127.0.0.1:" + deadPort)
                .build();
        assertThatThrownBy(() -> LocalStack.start(settings, Map.of(), false))
                .hasMessageContaining("ClickHouse migrations");
        assertThat(stateDir.resolve("clickhouse")).as("no local ClickHouse when a URL is given").doesNotExist();
        // The broker that was started first has been stopped: the same state dir starts again (no lock held).
        try (var kafka = org.btda.launcher.kafka.EmbeddedKafka.builder(stateDir).brokerPort(0).build().start()) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        }
    }

    @Test
    void bootstrapPortParsing() {
        assertThat(LocalStack.portOf("localhost:9092")).isEqualTo(9092);
        assertThat(LocalStack.portOf("127.0.0.1:0,other:1")).isZero();
        assertThatThrownBy(() -> LocalStack.portOf("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalStack.portOf("localhost:70000")).isInstanceOf(IllegalArgumentException.class);
    }

    private String query(int port, String sql) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().strip();
    }
}
