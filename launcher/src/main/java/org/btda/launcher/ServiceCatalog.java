package org.btda.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.btda.common.config.Settings;
import org.btda.evaluator.EvaluatorService;
import org.btda.evaluator.EvaluatorServiceConfig;
import org.btda.harvester.HarvesterConfig;
import org.btda.harvester.HarvesterService;
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
     * The components of one service, in start order (they are stopped in reverse). Nothing is constructed until
     * {@link Service#start()}, so a failure surfaces where the launcher handles it.
     *
     * @param settings effective settings; {@code kafka.bootstrap-servers} (and for {@code local} {@code clickhouse.url})
     *                 already point at the running broker and ClickHouse
     */
    public static List<Service> create(Kind kind, Settings settings) {
        return switch (kind) {
            case STREAM_PROCESSOR -> streamProcessor(settings);
            case EVALUATOR -> evaluator(settings);
            case HARVESTER -> harvester(settings);
        };
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
                    ClickHouseSinkService::start));
        }
        Path stateDir = settings.get(Settings.STATE_DIR).resolve("streams");
        out.add(Adapted.of("stream-processor", () -> new StreamProcessorService(StreamsSettings.from(settings), bootstrap, stateDir),
                StreamProcessorService::start));
        return out;
    }

    private static List<Service> evaluator(Settings settings) {
        return List.of(Adapted.of("evaluator", () -> new EvaluatorService(EvaluatorServiceConfig.from(settings)),
                EvaluatorService::start));
    }

    /** The harvester's typed config is built on start(), so that a bad value or DNS lookup fails where it is handled. */
    private static List<Service> harvester(Settings settings) {
        return List.of(Adapted.of("harvester", () -> new HarvesterService(HarvesterConfig.from(settings)), HarvesterService::start));
    }

    /** A service built on start() from a factory, started by a method reference and closed by its own close(). */
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
        private T instance;
        private boolean closed;

        private Adapted(String name, Factory<T> factory, Starter<T> starter) {
            this.name = name;
            this.factory = factory;
            this.starter = starter;
        }

        static <T extends AutoCloseable> Adapted<T> of(String name, Factory<T> factory, Starter<T> starter) {
            return new Adapted<>(name, factory, starter);
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
