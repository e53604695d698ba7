package org.btda.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.btda.common.config.Settings;
import org.btda.common.health.Health;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.evaluator.EvaluatorService;
import org.btda.evaluator.EvaluatorServiceConfig;
import org.btda.harvester.HarvesterConfig;
import org.btda.harvester.HarvesterService;
import org.btda.launcher.kafka.TopicBootstrap;
import org.btda.sink.ClickHouseSinkService;
import org.btda.sink.SinkConfig;
import org.btda.streams.StreamProcessorService;
import org.btda.streams.StreamsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where concrete services are adapted to {@link Service}. An empty list from {@link #create} means "not wired";
 * the launcher then says so instead of pretending the service runs.
 */
public final class ServiceCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceCatalog.class);

    /** In start order for {@code local}: downstream first, so shutdown (reverse) stops producers before their consumers. */
    public enum Kind {
        STREAM_PROCESSOR("stream-processor"),
        EVALUATOR("evaluator"),
        HARVESTER("harvester");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private ServiceCatalog() {
    }

    public static List<Kind> localOrder() {
        return List.of(Kind.values());
    }

    /**
     * The components of one service, in start order (they are stopped in reverse): first its Kafka topics, then the
     * service. Nothing is constructed until {@link Service#start()}, so a failure surfaces where the launcher handles it.
     *
     * @param settings effective settings; {@code kafka.bootstrap-servers} (and for {@code local} {@code clickhouse.url})
     *                 already point at the running broker and ClickHouse
     */
    public static List<Service> create(Kind kind, Settings settings) {
        List<Service> out = new ArrayList<>();
        out.add(topics(settings));
        out.addAll(switch (kind) {
            case STREAM_PROCESSOR -> streamProcessor(settings);
            case EVALUATOR -> evaluator(settings);
            case HARVESTER -> harvester(settings);
        });
        return out;
    }

    /**
     * Every service makes sure of every btda topic at start ({@link Topics#all()}: the core ones and those contributed by
     * the evaluator and the stream processor, all on the launcher's classpath), so services can start in any order against
     * a fresh broker and a partition mismatch stops the first service that meets it. Waits for Kafka up to
     * {@code startup.wait}.
     */
    static Service topics(Settings settings) {
        KafkaConfig kafka = KafkaConfig.from(settings);
        return Adapted.of("kafka-topics", () -> (AutoCloseable) () -> { }, ignored -> {
            try (Admin admin = Admin.create(KafkaClients.admin(kafka, "btda-topics"))) {
                LOG.info("checking btda topics on {} (waiting up to {} for Kafka)", kafka.bootstrapServers(),
                        settings.get(Settings.STARTUP_WAIT));
                TopicBootstrap.ensure(admin, new Topics(kafka), settings.get(Settings.STARTUP_WAIT));
            }
        }, ignored -> Health.up());
    }

    /** The ClickHouse sink (when a ClickHouse URL is known), then the Streams topology that feeds it. */
    private static List<Service> streamProcessor(Settings settings) {
        String bootstrap = settings.get(Settings.KAFKA_BOOTSTRAP_SERVERS);
        String url = settings.get(Settings.CLICKHOUSE_URL);
        List<Service> out = new ArrayList<>();
        if (url.isBlank()) {
            LOG.warn("clickhouse.url is empty: the stream-processor runs without its ClickHouse sink");
        } else {
            out.add(Adapted.of("clickhouse-sink", () -> new ClickHouseSinkService(SinkConfig.from(settings)),
                    ClickHouseSinkService::start, ClickHouseSinkService::health));
        }
        Path stateDir = settings.get(Settings.STATE_DIR).resolve("streams");
        out.add(Adapted.of("stream-processor", () -> new StreamProcessorService(StreamsSettings.from(settings), bootstrap, stateDir),
                StreamProcessorService::start, StreamProcessorService::health));
        return out;
    }

    private static List<Service> evaluator(Settings settings) {
        return List.of(Adapted.of("evaluator", () -> new EvaluatorService(EvaluatorServiceConfig.from(settings)),
                EvaluatorService::start, EvaluatorService::health));
    }

    /** The harvester's typed config is built on start(), so that a bad value or DNS lookup fails where it is handled. */
    private static List<Service> harvester(Settings settings) {
        return List.of(Adapted.of("harvester", () -> new HarvesterService(HarvesterConfig.from(settings)), HarvesterService::start,
                HarvesterService::health));
    }

    /**
     * A service built on start() from a factory, started by a method reference, asked for its health by another and
     * closed by its own close().
     */
    static final class Adapted<T extends AutoCloseable> implements Service {
        interface Factory<T> {
            T create() throws Exception;
        }

        interface Starter<T> {
            void start(T service) throws Exception;
        }

        private final String name;
        private final Factory<T> factory;
        private final Starter<T> starter;
        private final Function<T, Health> health;
        private volatile T instance;
        private volatile boolean started;
        private volatile boolean closed;

        private Adapted(String name, Factory<T> factory, Starter<T> starter, Function<T, Health> health) {
            this.name = name;
            this.factory = factory;
            this.starter = starter;
            this.health = health;
        }

        static <T extends AutoCloseable> Adapted<T> of(String name, Factory<T> factory, Starter<T> starter,
                Function<T, Health> health) {
            return new Adapted<>(name, factory, starter, health);
        }

        /** Not synchronized: the health endpoint must answer while start() waits for a dependency. */
        @Override
        public Health health() {
            T t = instance;
            if (closed) return Health.notReady("stopped");
            if (t == null) return Health.notReady("not started");
            Health h = health.apply(t);
            return started || !h.ready() ? h : Health.notReady("starting");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized void start() throws Exception {
            if (instance != null) {
                throw new IllegalStateException(name + " already started");
            }
            instance = factory.create();
            starter.start(instance);
            started = true;
        }

        @Override
        public synchronized <U> java.util.Optional<U> unwrap(Class<U> type) {
            return type.isInstance(instance) ? java.util.Optional.of(type.cast(instance)) : java.util.Optional.empty();
        }

        /** Closes once; the instance is kept so that {@link #unwrap} still reaches its (final) counters. */
        @Override
        public synchronized void close() throws Exception {
            if (instance != null && !closed) {
                closed = true;
                instance.close();
            }
        }
    }
}
