package org.btda.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("btda.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.defaults();
        assertThat(s.get(Settings.COMPLETION_THRESHOLD)).isEqualTo(0.98);
        assertThat(s.get(Settings.NETWORK_TIMEOUT)).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.get(Settings.EVALUATOR_MAX_SESSIONS)).isEqualTo(2000);
        assertThat(s.get(Settings.EVALUATOR_MAX_FRAME_BYTES)).isEqualTo(1_048_576);
        assertThat(s.get(Settings.KAFKA_TOPIC_PREFIX)).isEqualTo("btda.");
        assertThat(s.get(Settings.DHT_BOOTSTRAP)).hasSize(3).contains("router.bittorrent.com:6881");
        assertThat(s.get(Settings.DO_NOT_CONTACT)).isEmpty();
        assertThat(s.get(Settings.TRACKER_INTERVAL_CAP)).isEmpty();
        assertThat(s.speedMinInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.secretFile()).isEqualTo(Path.of("state", "secret"));
        assertThat(s.get(Settings.DHT_ENABLED)).isFalse();
        assertThat(Settings.all()).hasSizeGreaterThanOrEqualTo(50);
    }

    /**
     * By default contacts use uTP too, whose UDP socket takes listen.port's number: a DHT on that UDP port as well would
     * make whichever service binds second fail (the case of btda local and of compose's shared network).
     */
    @Test
    void defaultTransportIsAutoAndTheDhtKeepsItsUdpPortApartFromUtps() {
        Settings s = Settings.defaults();
        assertThat(s.get(Settings.EVALUATOR_TRANSPORT)).isEqualTo("auto");
        assertThat(s.get(Settings.LISTEN_ENABLED)).isTrue();
        assertThat(s.get(Settings.DHT_PORT)).isNotEqualTo(s.get(Settings.LISTEN_PORT)).isEqualTo(6882);
    }

    @Test
    void precedenceIsSetThenEnvThenFileThenDefault() throws Exception {
        Path f = file("network.timeout=10s\nrevisit.delay=7m\ntracker.numwant=50\n");
        Settings s = Settings.builder()
                .file(f)
                .env(Map.of("BTDA_NETWORK_TIMEOUT", "20s", "BTDA_REVISIT_DELAY", "8m", "PATH", "/usr/bin", "BTDA_NOT_A_SETTING", "x"))
                .set("network.timeout=30s")
                .build();
        assertThat(s.get(Settings.NETWORK_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.source(Settings.NETWORK_TIMEOUT)).isEqualTo(Settings.Source.SET);
        assertThat(s.get(Settings.REVISIT_DELAY)).isEqualTo(Duration.ofMinutes(8));
        assertThat(s.source(Settings.REVISIT_DELAY)).isEqualTo(Settings.Source.ENV);
        assertThat(s.get(Settings.TRACKER_NUMWANT)).isEqualTo(50);
        assertThat(s.source(Settings.TRACKER_NUMWANT)).isEqualTo(Settings.Source.FILE);
        assertThat(s.get(Settings.STATS_INTERVAL)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.source(Settings.STATS_INTERVAL)).isEqualTo(Settings.Source.DEFAULT);
        assertThat(s.speedMinInterval()).isEqualTo(Duration.ofMinutes(8));
    }

    @Test
    void laterSetWins() {
        Settings s = Settings.builder().set("kafka.partitions=3").set("kafka.partitions", "9").build();
        assertThat(s.get(Settings.KAFKA_PARTITIONS)).isEqualTo(9);
    }

    @Test
    void envVarNamesAreDerivedFromKeys() {
        assertThat(Settings.EVALUATOR_MAX_FRAME_BYTES.envVar()).isEqualTo("BTDA_EVALUATOR_MAX_FRAME_BYTES");
        assertThat(Settings.DO_NOT_CONTACT.envVar()).isEqualTo("BTDA_DO_NOT_CONTACT");
        assertThat(Settings.KAFKA_BOOTSTRAP_SERVERS.envVar()).isEqualTo("BTDA_KAFKA_BOOTSTRAP_SERVERS");
        Settings s = Settings.builder().env(Map.of("BTDA_DO_NOT_CONTACT", "10.0.0.0/8, 192.168.0.0/16")).build();
        assertThat(s.get(Settings.DO_NOT_CONTACT)).containsExactly("10.0.0.0/8", "192.168.0.0/16");
    }

    @Test
    void durationsInAllAcceptedForms() {
        assertThat(SettingType.DURATION.parse("6s")).isEqualTo(Duration.ofSeconds(6));
        assertThat(SettingType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingType.DURATION.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SettingType.DURATION.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SettingType.DURATION.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(SettingType.DURATION.parse("PT6S")).isEqualTo(Duration.ofSeconds(6));
        assertThat(SettingType.DURATION.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SettingType.DURATION.parse(" 20s ")).isEqualTo(Duration.ofSeconds(20));
        assertThat(SettingType.DURATION.parse("0")).isZero();
        for (String bad : List.of("6", "6 s", "s", "-5s", "PT-5S", "5w", "1.5s", "", "PTX", "99999999999999d")) {
            assertThatThrownBy(() -> SettingType.DURATION.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void durationsFormatToTheShortestExactForm() {
        assertThat(SettingType.DURATION.format(Duration.ofSeconds(6))).isEqualTo("6s");
        assertThat(SettingType.DURATION.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SettingType.DURATION.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(SettingType.DURATION.format(Duration.ofHours(24))).isEqualTo("1d");
        for (String text : List.of("6s", "500ms", "5m", "2h", "1d", "0")) {
            assertThat(SettingType.DURATION.format(SettingType.DURATION.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void otherTypes() {
        Settings s = Settings.builder()
                .set("dht.enabled=yes").set("completion.threshold=0.95").set("geoip.dir=/var/lib/geoip")
                .set("magnets.file=magnets.txt").set("tracker.interval-cap=20s").set("evaluator.max-frame-bytes=2_097_152")
                .set("dht.bootstrap=127.0.0.1:6881").set("clickhouse.url=http://127.0.0.1:8123").set("speed.min-interval=")
                .build();
        assertThat(s.get(Settings.DHT_ENABLED)).isTrue();
        assertThat(s.get(Settings.COMPLETION_THRESHOLD)).isEqualTo(0.95);
        assertThat(s.get(Settings.GEOIP_DIR)).isEqualTo(Path.of("/var/lib/geoip"));
        assertThat(s.get(Settings.MAGNETS_FILE)).contains(Path.of("magnets.txt"));
        assertThat(s.get(Settings.TRACKER_INTERVAL_CAP)).isEqualTo(Optional.of(Duration.ofSeconds(20)));
        assertThat(s.get(Settings.EVALUATOR_MAX_FRAME_BYTES)).isEqualTo(2_097_152);
        assertThat(s.get(Settings.DHT_BOOTSTRAP)).containsExactly("127.0.0.1:6881");
        assertThat(s.get(Settings.CLICKHOUSE_URL)).isEqualTo("http://127.0.0.1:8123");
        assertThat(s.get(Settings.SPEED_MIN_INTERVAL)).isEmpty();
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() throws Exception {
        assertThatThrownBy(() -> Settings.builder().set("network.timout=5s").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("network.timout");
        Path f = file("tracker.numwant=10\nkafka.bootstrap=localhost:9092\n");
        assertThatThrownBy(() -> Settings.builder().file(f).build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("kafka.bootstrap").hasMessageContaining(f.toString());
        assertThatThrownBy(() -> Settings.defaults().with("no.such", "1"))
                .isInstanceOf(SettingsException.class).hasMessageContaining("no.such");
        assertThatThrownBy(() -> Settings.builder().set("novalue").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("novalue");
    }

    @Test
    void badValuesAreErrorsNamingKeyAndValue() throws Exception {
        assertThatThrownBy(() -> Settings.builder().set("network.timeout=soon").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("network.timeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> Settings.builder().set("listen.port=70000").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("listen.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> Settings.builder().set("completion.threshold=1.5").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("completion.threshold");
        assertThatThrownBy(() -> Settings.builder().env(Map.of("BTDA_DHT_ENABLED", "maybe")).build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("dht.enabled").hasMessageContaining("maybe")
                .hasMessageContaining("BTDA_DHT_ENABLED");
        assertThatThrownBy(() -> Settings.builder().file(file("tracker.numwant=lots\n")).build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("tracker.numwant").hasMessageContaining("lots");
        assertThatThrownBy(() -> Settings.builder().set("dht.bootstrap=a:1,,b:2").build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("dht.bootstrap");
        assertThatThrownBy(() -> Settings.builder().file(dir.resolve("missing.properties")).build())
                .isInstanceOf(SettingsException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void withReturnsACopy() {
        Settings base = Settings.defaults();
        Settings changed = base.with("network.timeout", "1s").with(Settings.KAFKA_PARTITIONS, 2);
        assertThat(changed.get(Settings.NETWORK_TIMEOUT)).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.get(Settings.KAFKA_PARTITIONS)).isEqualTo(2);
        assertThat(base.get(Settings.NETWORK_TIMEOUT)).isEqualTo(Duration.ofSeconds(6));
        assertThat(base.get(Settings.KAFKA_PARTITIONS)).isEqualTo(6);
    }

    @Test
    void describeListsEveryEffectiveValueAndMasksSecrets() {
        Settings s = Settings.builder().set("clickhouse.password=hunter2").set("network.timeout=9s").build();
        Map<String, String> d = s.describe();
        assertThat(d).hasSize(Settings.all().size());
        assertThat(d).containsEntry("network.timeout", "9s").containsEntry("clickhouse.password", "****")
                .containsEntry("kafka.topic-prefix", "btda.").containsEntry("speed.min-interval", "");
        assertThat(d.values()).noneMatch(v -> v.contains("hunter2"));
        assertThat(s.toString()).doesNotContain("hunter2").contains("network.timeout");
        assertThat(Settings.defaults().describe()).containsEntry("clickhouse.password", "");
    }

    @Test
    void markdownDocumentsEverySetting() {
        String md = SettingsDoc.markdown();
        for (Setting<?> s : Settings.all()) {
            assertThat(md).contains("| `" + s.key() + "` | `" + s.envVar() + "` |");
        }
        assertThat(md).contains("| `network.timeout` | `BTDA_NETWORK_TIMEOUT` | duration | `6s` |");
        assertThat(md).contains("| `clickhouse.url` | `BTDA_CLICKHOUSE_URL` | URL | (empty) |");
        assertThat(md.lines().count()).isEqualTo(Settings.all().size() + 2);
    }

    @Test
    void everyDefaultSurvivesAFormatParseRoundTrip() {
        for (Setting<?> s : Settings.all()) {
            assertRoundTrip(s);
        }
    }

    private static <T> void assertRoundTrip(Setting<T> s) {
        assertThat(s.type().parse(s.type().format(s.defaultValue()))).as(s.key()).isEqualTo(s.defaultValue());
    }
}
