package org.btda.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.btda.common.config.Setting;
import org.btda.common.config.Settings;
import org.btda.common.config.SettingsException;
import org.btda.launcher.Btda;
import org.btda.launcher.Logging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Parses command lines without running anything. */
class CliTest {
    @TempDir
    Path tmp;

    @AfterEach
    void restoreLogLevel() {
        Logging.debug(false);
    }

    private static <T> T parse(Class<T> type, String... args) {
        ParseResult pr = Btda.commandLine().parseArgs(args);
        Object cmd = pr.subcommand().commandSpec().userObject();
        assertThat(cmd).isInstanceOf(type);
        return type.cast(cmd);
    }

    @Test
    void localFlagsMapOntoSettingsKeys() {
        LocalCommand local = parse(LocalCommand.class, "local", "--torrents", "/t", "--magnets", "/m.txt", "--state-dir", "/s",
                "--clickhouse-url", "jdbc:clickhouse://127.0.0.1:18123", "--listen-port", "51413", "--active", "40",
                "--passive", "--dht", "--kafka-port", "19092");
        Settings s = local.settings(Map.of());
        assertThat(s.get(Settings.TORRENTS_DIR)).isEqualTo(Path.of("/t"));
        assertThat(s.get(Settings.MAGNETS_FILE)).contains(Path.of("/m.txt"));
        assertThat(s.get(Settings.STATE_DIR)).isEqualTo(Path.of("/s"));
        assertThat(s.get(Settings.CLICKHOUSE_URL)).isEqualTo("jdbc:clickhouse://127.0.0.1:18123");
        assertThat(s.get(Settings.LISTEN_PORT)).isEqualTo(51413);
        assertThat(s.get(Settings.EVALUATOR_MAX_SESSIONS)).isEqualTo(40);
        assertThat(s.get(Settings.PASSIVE)).isTrue();
        assertThat(s.get(Settings.DHT_ENABLED)).isTrue();
        assertThat(s.get(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:19092");
        for (Setting<?> key : new Setting<?>[] {Settings.TORRENTS_DIR, Settings.PASSIVE, Settings.KAFKA_BOOTSTRAP_SERVERS}) {
            assertThat(s.source(key)).isEqualTo(Settings.Source.SET);
        }
    }

    @Test
    void absentFlagsLeaveDefaultsAndLowerSourcesAlone() {
        LocalCommand local = parse(LocalCommand.class, "local");
        assertThat(local.flagOverrides()).isEmpty();
        Settings s = local.settings(Map.of("BTDA_DHT_ENABLED", "true"));
        assertThat(s.get(Settings.DHT_ENABLED)).as("no --dht must not force false over the environment").isTrue();
        assertThat(s.get(Settings.PASSIVE)).isFalse();
        assertThat(s.source(Settings.PASSIVE)).isEqualTo(Settings.Source.DEFAULT);
        assertThat(s.get(Settings.EVALUATOR_MAX_SESSIONS)).isEqualTo(Settings.EVALUATOR_MAX_SESSIONS.defaultValue());
    }

    @Test
    void precedenceIsFlagThenSetThenEnvThenFileThenDefault() throws Exception {
        Path file = tmp.resolve("btda.properties");
        Files.writeString(file, """
                evaluator.max-sessions=1
                listen.port=1001
                tracker.numwant=11
                dht.port=7001
                """);
        Map<String, String> env = Map.of(
                "BTDA_EVALUATOR_MAX_SESSIONS", "2",
                "BTDA_LISTEN_PORT", "1002",
                "BTDA_TRACKER_NUMWANT", "12");
        LocalCommand local = parse(LocalCommand.class, "local", "--config", file.toString(),
                "--set", "evaluator.max-sessions=3", "--set", "listen.port=1003",
                "--active", "4");
        Settings s = local.settings(env);
        assertThat(s.get(Settings.EVALUATOR_MAX_SESSIONS)).as("flag beats --set, env and file").isEqualTo(4);
        assertThat(s.get(Settings.LISTEN_PORT)).as("--set beats env and file").isEqualTo(1003);
        assertThat(s.get(Settings.TRACKER_NUMWANT)).as("env beats file").isEqualTo(12);
        assertThat(s.get(Settings.DHT_PORT)).as("file beats default").isEqualTo(7001);
        assertThat(s.get(Settings.REVISIT_DELAY)).isEqualTo(Settings.REVISIT_DELAY.defaultValue());
        assertThat(s.source(Settings.TRACKER_NUMWANT)).isEqualTo(Settings.Source.ENV);
        assertThat(s.source(Settings.DHT_PORT)).isEqualTo(Settings.Source.FILE);
    }

    @Test
    void serviceCommandsTakeBootstrapServersConfigSetAndDebug() throws Exception {
        Path file = tmp.resolve("svc.properties");
        Files.writeString(file, "kafka.partitions=3\n");
        for (String name : new String[] {"harvester", "evaluator", "stream-processor"}) {
            ServiceCommand cmd = parse(ServiceCommand.class, name, "--bootstrap-servers", "127.0.0.1:1,127.0.0.1:2",
                    "--config", file.toString(), "--set", "network.timeout=9s", "--debug");
            Settings s = cmd.settings(Map.of("BTDA_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092"));
            assertThat(s.get(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:1,127.0.0.1:2");
            assertThat(s.get(Settings.KAFKA_PARTITIONS)).isEqualTo(3);
            assertThat(s.get(Settings.NETWORK_TIMEOUT)).hasSeconds(9);
            assertThat(cmd.common.debug()).isTrue();
            assertThat(cmd.kind().label()).isEqualTo(name);
        }
    }

    @Test
    void unknownSettingIsAUserErrorWithExitCode2() {
        CommandLine cl = Btda.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("harvester", "--set", "no.such.key=1");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("unknown setting 'no.such.key'");
        // And directly, without the CLI's handler:
        LocalCommand bad = parse(LocalCommand.class, "local", "--set", "listen.port=notanumber");
        assertThatThrownBy(() -> bad.settings(Map.of())).isInstanceOf(SettingsException.class).hasMessageContaining("listen.port");
    }

    @Test
    void badFlagValuesAreRejectedByThePicocliParser() {
        assertThatThrownBy(() -> Btda.commandLine().parseArgs("local", "--active", "many"))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> Btda.commandLine().parseArgs("local", "--no-such-flag"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
        int rc = Btda.commandLine().setErr(new PrintWriter(new StringWriter())).execute("evaluator", "--bogus");
        assertThat(rc).isEqualTo(2);
    }

    @Test
    void settingsCommandPrintsEveryKey() {
        CommandLine cl = Btda.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("settings")).isZero();
        String table = out.toString();
        assertThat(Settings.all()).isNotEmpty();
        for (Setting<?> s : Settings.all()) {
            assertThat(table).contains("`" + s.key() + "`").contains("`" + s.envVar() + "`");
        }
        assertThat(table.lines().filter(l -> l.startsWith("| `")).count()).isEqualTo(Settings.all().size());
    }

    @Test
    void defaultGeoipDirIsReadFromTheCheckoutButAGivenOneIsKept() {
        Settings s = parse(LocalCommand.class, "local").settings(Map.of("BTDA_HOME", "/opt/btda"));
        assertThat(s.get(Settings.GEOIP_DIR)).isEqualTo(Path.of("/opt/btda/data/geoip"));
        Settings given = parse(LocalCommand.class, "local", "--set", "geoip.dir=db")
                .settings(Map.of("BTDA_HOME", "/opt/btda"));
        assertThat(given.get(Settings.GEOIP_DIR)).isEqualTo(Path.of("db"));
    }

    @Test
    void magnetsFlagAbsentKeepsOptionalEmpty() {
        Settings s = parse(LocalCommand.class, "local").settings(Map.of());
        assertThat(s.get(Settings.MAGNETS_FILE)).isEqualTo(Optional.empty());
    }
}
