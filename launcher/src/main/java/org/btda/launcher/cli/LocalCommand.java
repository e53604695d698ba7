package org.btda.launcher.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.btda.common.config.Settings;
import org.btda.launcher.local.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code btda local}: embedded broker, topics, local ClickHouse, migrations and every service in this JVM. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run everything in one process: embedded Kafka, local ClickHouse, harvester, evaluator, stream-processor.")
public final class LocalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--torrents", paramLabel = "DIR", description = "directory of .torrent files (torrents.dir)")
    Path torrents;

    @Option(names = "--magnets", paramLabel = "FILE", description = "file of magnet links, one a line (magnets.file)")
    Path magnets;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "local state: Kafka data, ClickHouse data, secret (state.dir)")
    Path stateDir;

    @Option(names = "--clickhouse-url", paramLabel = "URL", description = "use this ClickHouse instead of starting one (clickhouse.url)")
    String clickhouseUrl;

    @Option(names = "--listen-port", paramLabel = "N", description = "TCP port for incoming peers (listen.port)")
    Integer listenPort;

    @Option(names = "--active", paramLabel = "N", description = "concurrent contact sessions (evaluator.max-sessions)")
    Integer active;

    @Option(names = "--passive", description = "only accept incoming peers, never dial out (passive)")
    boolean passive;

    @Option(names = "--dht", description = "look up peers in the DHT (dht.enabled)")
    boolean dht;

    @Option(names = "--kafka-port", paramLabel = "N",
            description = "port of the embedded broker on 127.0.0.1, 0 = any free one (sets kafka.bootstrap-servers)")
    Integer kafkaPort;

    /** Named flags as settings overrides; only flags given on the command line appear, so env/file still apply. */
    public Map<String, String> flagOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        if (torrents != null) {
            m.put(Settings.TORRENTS_DIR.key(), torrents.toString());
        }
        if (magnets != null) {
            m.put(Settings.MAGNETS_FILE.key(), magnets.toString());
        }
        if (stateDir != null) {
            m.put(Settings.STATE_DIR.key(), stateDir.toString());
        }
        if (clickhouseUrl != null) {
            m.put(Settings.CLICKHOUSE_URL.key(), clickhouseUrl);
        }
        if (listenPort != null) {
            m.put(Settings.LISTEN_PORT.key(), listenPort.toString());
        }
        if (active != null) {
            m.put(Settings.EVALUATOR_MAX_SESSIONS.key(), active.toString());
        }
        if (passive) {
            m.put(Settings.PASSIVE.key(), "true");
        }
        if (dht) {
            m.put(Settings.DHT_ENABLED.key(), "true");
        }
        if (kafkaPort != null) {
            m.put(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:" + kafkaPort);
        }
        return m;
    }

    public Settings settings(Map<String, String> env) {
        return common.settings(env, flagOverrides());
    }

    @Override
    public Integer call() throws Exception {
        return LocalStack.run(settings(System.getenv()));
    }
}
