package org.btda.launcher.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.btda.common.config.Settings;
import org.btda.launcher.ServiceCatalog;
import org.btda.launcher.local.ServiceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One service alone against an existing Kafka (and, for the stream-processor, ClickHouse). */
public abstract class ServiceCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (kafka.bootstrap-servers)")
    String bootstrapServers;

    abstract ServiceCatalog.Kind kind();

    public Map<String, String> flagOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            m.put(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        return m;
    }

    public Settings settings(Map<String, String> env) {
        return common.settings(env, flagOverrides());
    }

    @Override
    public Integer call() throws Exception {
        return ServiceRunner.runAlone(kind(), settings(System.getenv()));
    }

    @Command(name = "harvester", mixinStandardHelpOptions = true, description = "Find peers (torrent import, trackers, DHT).")
    public static final class Harvester extends ServiceCommand {
        @Override
        ServiceCatalog.Kind kind() {
            return ServiceCatalog.Kind.HARVESTER;
        }
    }

    @Command(name = "evaluator", mixinStandardHelpOptions = true, description = "Contact peers and publish observations.")
    public static final class Evaluator extends ServiceCommand {
        @Override
        ServiceCatalog.Kind kind() {
            return ServiceCatalog.Kind.EVALUATOR;
        }
    }

    @Command(name = "stream-processor", mixinStandardHelpOptions = true,
            description = "Per-peer state, confirmed downloads, ClickHouse sink.")
    public static final class StreamProcessor extends ServiceCommand {
        @Override
        ServiceCatalog.Kind kind() {
            return ServiceCatalog.Kind.STREAM_PROCESSOR;
        }
    }
}
