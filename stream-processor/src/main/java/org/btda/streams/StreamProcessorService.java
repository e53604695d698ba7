package org.btda.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.btda.common.health.Health;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;
import org.btda.events.TorrentRegistered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link BtdaTopology} with exactly-once v2 processing. State lives under {@code stateDir} and in changelog
 * topics, so a restart (or another instance taking over partitions) resumes the per-peer state and due times.
 * The input topics must exist (the launcher creates {@link Topics#all()}); internal topics are created by Streams.
 * When Streams can no longer run (see {@link #health()}), the service reports itself dead rather than idling.
 */
public final class StreamProcessorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamProcessorService.class);
    /** Stream threads replaced within {@link #REPLACEMENT_WINDOW} before the failure counts as permanent. */
    static final int MAX_REPLACEMENTS = 3;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final Deque<Long> recentFailures = new ArrayDeque<>();
    private volatile Throwable lastFailure;
    private volatile boolean closing;

    /** Endpoints are sealed with the deployment secret ({@code cfg.secretFile()}, created on first start). */
    public StreamProcessorService(StreamsSettings cfg, String bootstrapServers, Path stateDir) {
        this(cfg, bootstrapServers, stateDir, new SealerVault(new EndpointSealer(Secrets.loadOrCreate(cfg.secretFile()))));
    }

    /** With an explicit sealer (tests, or a launcher that already loaded the secret). */
    public StreamProcessorService(StreamsSettings cfg, String bootstrapServers, Path stateDir, EndpointVault vault) {
        Objects.requireNonNull(stateDir, "stateDir");
        Properties p = properties(cfg, bootstrapServers, stateDir);
        streams = new KafkaStreams(BtdaTopology.build(cfg, vault), p);
        streams.setUncaughtExceptionHandler(this::onThreadFailure);
    }

    /**
     * A failed thread (e.g. a fenced producer after a broker hiccup) is replaced; a missing source topic, or threads that
     * keep failing, stop the client (state ERROR) instead of replacing threads forever: {@link #health()} then reports
     * the service dead and the launcher exits non-zero, so a restart policy (or the operator) acts.
     */
    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadFailure(Throwable e) {
        lastFailure = e;
        if (causedBy(e, MissingSourceTopicException.class)) {
            log.error("a source topic is missing: stopping the stream processor", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        long now = System.nanoTime();
        int failures;
        synchronized (recentFailures) {
            while (!recentFailures.isEmpty() && now - recentFailures.peekFirst() > REPLACEMENT_WINDOW.toNanos()) {
                recentFailures.pollFirst();
            }
            recentFailures.addLast(now);
            failures = recentFailures.size();
        }
        if (failures > MAX_REPLACEMENTS) {
            log.error("stream threads failed {} times within {}: stopping the stream processor", failures, REPLACEMENT_WINDOW, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error("stream thread failed, replacing it", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    static Properties properties(StreamsSettings cfg, String bootstrapServers, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.topics().prefix() + "stream-processor");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // one thread did not use the second core: at full speed it was busy ~75 % and waited on polls and commits the rest
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.threads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, cfg.replicationFactor());
        // changelogs and repartition topics keep the same durability promise as btda's own topics (TopicSpec)
        TopicSpec.minInsyncReplicas(cfg.replicationFactor())
                .ifPresent(n -> p.put(StreamsConfig.topicPrefix("min.insync.replicas"), Integer.toString(n)));
        // Each exactly-once commit is a transaction: markers on every touched partition (4 outputs + 2 changelogs per
        // task) and a synchronous round trip on the stream thread. At 100 ms this overhead capped the topology well
        // below its target rate (scripts/bench-streams.sh); 1 s keeps end-to-end latency far under the sink's budget.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        // bigger produce batches: fewer requests for the broker on the same two cores (Streams' default is 16 KB)
        p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // Process whatever input is buffered instead of waiting until both co-partitioned inputs have data: every rule
        // in PeerProcessor is order-independent, and the wait's bookkeeping (evaluated per record, with an eagerly
        // formatted trace message in Streams 4.3) cost ~10 % of the stream thread (scripts/bench-streams.sh, JFR).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // one undecodable record (a schema this build does not know) must not stop every peer's processing
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Ready while RUNNING; dead once Streams is in ERROR or stopped without {@link #close()}. */
    public Health health() {
        KafkaStreams.State s = streams.state();
        return switch (s) {
            case RUNNING -> Health.up();
            case CREATED -> Health.notReady("not started");
            case REBALANCING -> Health.notReady("rebalancing");
            case PENDING_ERROR, ERROR -> Health.dead("Kafka Streams in " + s + failure());
            case PENDING_SHUTDOWN, NOT_RUNNING -> closing ? Health.notReady("stopping") : Health.dead("Kafka Streams " + s + failure());
        };
    }

    private String failure() {
        Throwable t = lastFailure;
        return t == null ? "" : ": " + t;
    }

    /** Waits until the instance is RUNNING (partitions assigned, state restored); false on timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) return true;
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) return false;
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * The torrent as this instance's global store holds it now; null while it is not loaded yet or the store cannot
     * be queried yet (starting, rebalancing). Lets a caller wait for the registration instead of guessing a delay.
     */
    TorrentRegistered registeredTorrent(String infoHash) {
        try {
            ReadOnlyKeyValueStore<String, TorrentRegistered> store = streams.store(StoreQueryParameters.fromNameAndType(
                    BtdaTopology.TORRENT_STORE, QueryableStoreTypes.<String, TorrentRegistered>keyValueStore()));
            return store.get(infoHash);
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    /** Stops and leaves the group, so a replacement instance gets the partitions at once, not after the session timeout. */
    @Override
    public void close() {
        closing = true;
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
