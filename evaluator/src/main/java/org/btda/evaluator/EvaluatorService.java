package org.btda.evaluator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.btda.common.config.Settings;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.Topics;
import org.btda.common.metrics.Metrics;
import org.btda.common.metrics.MetricsServer;
import org.btda.common.net.CidrSet;
import org.btda.common.net.PeerFilter;
import org.btda.common.net.Networks;
import org.btda.evaluator.contact.ContactEngine;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.ContactTarget;
import org.btda.evaluator.contact.IncomingListener;
import org.btda.evaluator.contact.TorrentInfo;
import org.btda.evaluator.enrich.Enrichment;
import org.btda.evaluator.enrich.GeoIpEnricher;
import org.btda.evaluator.enrich.PeerEnricher;
import org.btda.events.ContactRequest;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator worker: a stateless member of the consumer group on {@code btda.contacts}. Contacts each requested peer
 * as the request arrives and publishes exactly one observation per request (plus PEX discoveries); run as many
 * instances as needed, Kafka spreads the partitions.
 *
 * <p>Offsets are committed only up to the oldest contact whose events Kafka has acknowledged ({@link OffsetTracker}),
 * so a crashed instance loses no contact: the next owner of its partitions redoes the unacknowledged tail
 * (at-least-once; a request id may rarely yield two observations). Back-pressure: when sessions in flight reach
 * {@code evaluator.max-sessions}, the assigned partitions are paused and the few already-fetched records wait locally.
 */
public final class EvaluatorService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);
    /** Consumer group: {@code <topic prefix>evaluator}, e.g. {@code btda.evaluator}; every instance joins it. */
    public static String groupId(Topics topics) {
        return topics.prefix() + "evaluator";
    }
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(500);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final EvaluatorConfig config;
    private final Topics topics;
    private final EvaluatorStats stats = new EvaluatorStats();
    private final CidrSet doNotContact;
    /** PEX endpoints that are ourselves or in do-not-contact networks are not published, as in the harvester. */
    private final PeerFilter pexFilter;
    private final ContactEngine engine;
    private final ObservationFactory factory;
    private final OffsetTracker tracker = new OffsetTracker();
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventSender sender;
    private final AvroSerde<ContactRequest> requestSerde = AvroSerde.of(ContactRequest.class);
    private final AvroSerde<Observation> observationSerde = AvroSerde.of(Observation.class);
    private final AvroSerde<PeerDiscovered> discoveredSerde = AvroSerde.of(PeerDiscovered.class);
    private final ArrayDeque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
    private final Thread loop;
    private final AvroSerde<EvaluatorStatsRecord> statsSerde = AvroSerde.of(EvaluatorStatsRecord.class);
    private final PeerEnricher enricher;
    /** The same GeoIP lookups without reverse DNS: for loopback/private addresses, whose PTR says nothing (and
     *  whose queries would leave a test's loopback world for the system resolver). */
    private final PeerEnricher localEnricher;
    private final TorrentCatalog catalog;
    private final IncomingListener listener;
    private final EvaluatorMetrics metrics;
    private final MetricsServer metricsServer;
    private final String statsTopic;
    private final Duration statsInterval;
    private long lastStatsNanos = System.nanoTime();
    private volatile long backlog;
    private volatile boolean running;
    private volatile boolean commitOnExit = true;
    private volatile boolean draining;
    private long lastCommitNanos;

    public EvaluatorService(Settings settings, String bootstrapServers) {
        this(settings, bootstrapServers, EvaluatorConfig.from(settings));
    }

    /** For tests and benchmarks that override a few values without a settings file. */
    public EvaluatorService(Settings settings, String bootstrapServers, EvaluatorConfig config) {
        this.config = config;
        this.topics = new Topics(settings);
        this.doNotContact = CidrSet.parse(settings.get(Settings.DO_NOT_CONTACT));
        this.pexFilter = new PeerFilter(settings.get(Settings.LISTEN_PORT), PeerFilter.localAddresses(), doNotContact);
        byte[] secret = Secrets.loadOrCreate(settings.secretFile());
        this.factory = new ObservationFactory(config.instanceId(), new PeerKeys(secret), new EndpointSealer(secret),
                settings.get(Settings.PRIVACY_STORE_ADDRESSES));
        this.engine = new ContactEngine(config, stats, doNotContact::contains);
        this.enricher = PeerEnricher.create(settings);
        this.localEnricher = new PeerEnricher(GeoIpEnricher.open(settings), null);
        this.statsTopic = EvaluatorTopics.stats(topics);
        this.statsInterval = settings.get(Settings.STATS_INTERVAL);

        Properties c = KafkaClients.consumer(bootstrapServers, groupId(topics), config.instanceId());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // a contact takes seconds; the poll loop itself never blocks on contacts, so the default poll interval is ample
        this.consumer = new KafkaConsumer<>(c);
        this.sender = new EventSender(bootstrapServers, config.instanceId(), stats, () -> running);
        this.loop = new Thread(this::run, "evaluator-" + config.instanceId());
        if (settings.get(Settings.PASSIVE)) {
            this.catalog = new TorrentCatalog(bootstrapServers, topics.torrents(), config.instanceId());
            String addr = settings.get(Settings.LISTEN_ADDRESS);
            InetSocketAddress bind = addr == null || addr.isBlank()
                    ? new InetSocketAddress(settings.get(Settings.LISTEN_PORT))
                    : new InetSocketAddress(Networks.parseLiteral(addr), settings.get(Settings.LISTEN_PORT));
            this.listener = new IncomingListener(config, stats, bind, settings.get(Settings.LISTEN_MAX_CONNECTIONS),
                    settings.get(Settings.LISTEN_MAX_PER_ADDRESS), catalog::get,
                    (r, t) -> sender.publisherThread().execute(() -> publishIncoming(r, t)));
        } else {
            this.catalog = null;
            this.listener = null;
        }
        this.metrics = new EvaluatorMetrics(Metrics.registry(), config.instanceId(), stats, config.maxSessions(), () -> backlog);
        this.metricsServer = MetricsServer.shared(settings);
    }

    /** The passive listener's address, or null when not passive. */
    public InetSocketAddress listenAddress() {
        return listener == null ? null : listener.localAddress();
    }

    public void start() {
        running = true;
        if (catalog != null) catalog.start();
        loop.start();
        if (listener != null) log.info("evaluator {} accepting incoming peers on {}", config.instanceId(), listener.localAddress());
        log.info("evaluator {} consuming {} (max sessions {}, quiet {}, cap {})", config.instanceId(), topics.contacts(),
                config.maxSessions(), config.quietTimeout(), config.sessionCap());
    }

    public EvaluatorStats stats() {
        return stats;
    }

    public EvaluatorConfig config() {
        return config;
    }

    // ---- consumer loop (one thread; the KafkaConsumer is not thread-safe) -------------------------------------------

    private void run() {
        try {
            consumer.subscribe(List.of(topics.contacts()), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) waiting.add(r);
                if (draining) waiting.clear(); // shutting down: these stay uncommitted for the next owner
                dispatchWaiting();
                applyBackPressure();
                commitIfDue(false);
                statsIfDue();
            }
            if (commitOnExit) commitIfDue(true);
        } catch (WakeupException e) {
            // close() interrupts a poll
        } catch (RuntimeException e) {
            log.error("evaluator loop failed", e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("consumer close: {}", e.toString());
            }
        }
    }

    private void dispatchWaiting() {
        while (!waiting.isEmpty() && engine.inFlight() < config.maxSessions()) {
            handle(waiting.poll());
        }
    }

    private void applyBackPressure() {
        boolean full = draining || engine.inFlight() >= config.maxSessions() || !waiting.isEmpty();
        if (full) {
            Set<TopicPartition> assigned = consumer.assignment();
            if (!consumer.paused().containsAll(assigned)) {
                consumer.pause(assigned); // pause state does not survive rebalances: re-applied every round
                stats.paused();
            }
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> rec) {
        TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
        tracker.begin(tp, rec.offset());
        ContactRequest req;
        ContactTarget target;
        try {
            req = requestSerde.deserialize(rec.topic(), rec.value());
            target = target(req);
        } catch (RuntimeException e) {
            // an undecodable request cannot be answered (no id to echo): skip it, but do not block the partition
            log.warn("skipping undecodable contact request at {}@{}: {}", tp, rec.offset(), e.toString());
            tracker.complete(tp, rec.offset());
            return;
        }
        String key = rec.key();
        long age = System.currentTimeMillis() - req.getDueAt().toEpochMilli();
        CompletableFuture<ContactResult> result;
        if (age > config.staleAfter().toMillis()) {
            stats.contactCompleted(FailureReason.STALE_REQUEST);
            result = CompletableFuture.completedFuture(ContactResult.notDialled(target, FailureReason.STALE_REQUEST,
                    "request due " + age + " ms ago, over evaluator.stale-after"));
        } else {
            result = engine.contact(target);
        }
        // off the event loop: KafkaProducer.send can block (metadata, full buffer) and must never stall sessions
        result.thenAcceptAsync(r -> publish(tp, rec.offset(), key, req, r), sender.publisherThread());
    }

    static ContactTarget target(ContactRequest req) {
        byte[] infoHash = HexFormat.of().parseHex(req.getInfoHash());
        ByteBuffer a = req.getEndpoint().getAddress().duplicate();
        byte[] addr = new byte[a.remaining()];
        a.get(addr);
        try {
            InetAddress address = InetAddress.getByAddress(addr); // raw bytes: no DNS
            return new ContactTarget(infoHash, new InetSocketAddress(address, req.getEndpoint().getPort()), req.getTotalPieces());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("endpoint address of " + addr.length + " bytes");
        }
    }

    // ---- publishing (publisher and producer threads) ---------------------------------------------------------------

    private void publish(TopicPartition tp, long offset, String key, ContactRequest req, ContactResult r) {
        try {
            Observation obs = factory.observation(req, r, enrich(r));
            measured(r);
            if (!r.success()) stats.contactFailedAtAttempt(req.getAttempt());
            List<ObservationFactory.Keyed<PeerDiscovered>> found = factory.discoveries(req, r, a -> pexFilter.check(a) != PeerFilter.Verdict.ACCEPT);
            // the request counts as done once every event it produced is acknowledged
            AtomicInteger pending = new AtomicInteger(1 + found.size());
            Runnable acked = () -> {
                if (pending.decrementAndGet() == 0) tracker.complete(tp, offset);
            };
            send(new ProducerRecord<>(topics.observations(), key, observationSerde.serialize(topics.observations(), obs)),
                    () -> {
                        stats.observationPublished();
                        acked.run();
                    });
            for (ObservationFactory.Keyed<PeerDiscovered> d : found) {
                send(new ProducerRecord<>(topics.discovered(), d.key(), discoveredSerde.serialize(topics.discovered(), d.value())),
                        () -> {
                            stats.pexPeerPublished();
                            acked.run();
                        });
            }
        } catch (RuntimeException e) {
            // not completing the offset means the request is redone after a restart or rebalance: nothing is lost
            stats.publishFailed();
            log.warn("cannot publish observation for {}@{}: {}", tp, offset, e.toString());
        }
    }

    /** An incoming peer's session ended (publisher thread): one observation, no offset to track. */
    private void publishIncoming(ContactResult r, TorrentInfo t) {
        try {
            ObservationFactory.Keyed<Observation> o = factory.incoming(r, t.infoHashHex(), t.pieceLength(), enrich(r));
            measured(r);
            if (o == null) return;
            send(new ProducerRecord<>(topics.observations(), o.key(), observationSerde.serialize(topics.observations(), o.value())),
                    () -> {
                        stats.observationPublished();
                        stats.incomingEvaluated(o.value().getPeerKey());
                    });
        } catch (RuntimeException e) {
            stats.publishFailed();
            log.warn("cannot publish incoming observation: {}", e.toString());
        }
    }

    private void measured(ContactResult r) {
        if (r.startedAtMillis() != r.observedAtMillis() || r.sessionMillis() > 0 || r.messagesReceived() > 0) {
            stats.sessionMeasured(r.sessionMillis(), r.longestGapMillis());
        }
    }

    /** GeoIP, reverse-DNS domain (public addresses only) and client, while the address is still in memory. */
    private Enrichment enrich(ContactResult r) {
        InetAddress a = r.target().address().getAddress();
        boolean local = a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc);
        return (local ? localEnricher : enricher).enrich(a, r.peerId(), r.extClient());
    }

    // ---- statistics (consumer thread) --------------------------------------------------------------------------------

    private void statsIfDue() {
        long now = System.nanoTime();
        backlog = currentBacklog();
        if (now - lastStatsNanos < statsInterval.toNanos()) return;
        long intervalMs = (now - lastStatsNanos) / 1_000_000;
        lastStatsNanos = now;
        EvaluatorStatsRecord rec = statsRecord(intervalMs);
        send(new ProducerRecord<>(statsTopic, config.instanceId(), statsSerde.serialize(statsTopic, rec)), () -> { });
    }

    private long currentBacklog() {
        long lag = waiting.size();
        for (TopicPartition tp : consumer.assignment()) {
            java.util.OptionalLong l = consumer.currentLag(tp); // from the last fetch: no broker round trip
            if (l.isPresent()) lag += l.getAsLong();
        }
        return lag;
    }

    EvaluatorStatsRecord statsRecord(long intervalMs) {
        EvaluatorStats.Interval i = stats.takeInterval();
        long failures = stats.completed() - stats.successes();
        long dropped = stats.failures(FailureReason.STALE_REQUEST) + stats.failures(FailureReason.OVERLOADED);
        return EvaluatorStatsRecord.newBuilder().setTime(java.time.Instant.now()).setInstance(config.instanceId())
                .setIntervalMs(intervalMs).setBacklog(backlog).setSessionsInFlight(stats.inFlight())
                .setCeiling(config.maxSessions()).setIncomingInFlight(stats.incomingOpen())
                .setMeanSessionMs(i.meanSessionMillis()).setMaxSessionMs(i.maxSessionMillis())
                .setMeanLongestGapMs(i.meanLongestGapMillis()).setMaxLongestGapMs(i.maxLongestGapMillis())
                .setContactsTotal(stats.completed()).setSuccessesTotal(stats.successes()).setFailuresTotal(failures)
                .setFailedFirstTotal(stats.failedFirst()).setFailedLaterTotal(stats.failedLater())
                .setObservationsTotal(stats.observationsPublished()).setDroppedTotal(dropped)
                .setIncomingEvaluatedTotal(stats.incomingEvaluated()).setIncomingRefusedTotal(stats.incomingRefusedTotal())
                .setUniqueIncomingPeers(stats.uniqueIncomingPeers()).build();
    }

    private void send(ProducerRecord<String, byte[]> record, Runnable onAck) {
        sender.send(record, onAck);
    }

    // ---- commits ---------------------------------------------------------------------------------------------------

    private void commitIfDue(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastCommitNanos < COMMIT_INTERVAL.toNanos()) return;
        lastCommitNanos = now;
        commit(tracker.committable());
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        offsets.forEach((tp, off) -> m.put(tp, new OffsetAndMetadata(off)));
        try {
            consumer.commitSync(m, COMMIT_TIMEOUT); // bounded: an unreachable broker must not stall dispatching
            tracker.markCommitted(offsets);
        } catch (RuntimeException e) {
            log.warn("offset commit failed (will retry): {}", e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (commitOnExit) {
                Map<TopicPartition, Long> offsets = tracker.committable();
                offsets.keySet().retainAll(partitions);
                commit(offsets);
            }
            // requests of these partitions not yet dialled are the new owner's; in-flight ones still publish
            waiting.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            tracker.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("evaluator {} assigned {}", config.instanceId(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            waiting.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            tracker.forget(partitions);
        }
    }

    // ---- shutdown --------------------------------------------------------------------------------------------------

    /**
     * Stops consuming, lets sessions in flight finish (up to the session cap), publishes their observations and
     * commits.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + config.sessionCap().plusSeconds(5).toNanos();
        draining = true; // the loop stops dispatching and pauses everything, but keeps committing
        if (listener != null) listener.close(); // incoming sessions end now: their observations still publish
        while ((engine.inFlight() > 0 || stats.incomingInFlight() > 0) && System.nanoTime() < deadline && loop.isAlive()) sleep(50);
        // then until Kafka acknowledged their observations (bounded: the broker may be gone) and the loop committed
        long ackDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (tracker.totalInFlight() > 0 && System.nanoTime() < ackDeadline && loop.isAlive()) sleep(50);
        sleep(COMMIT_INTERVAL.toMillis() * 2);
        stop();
    }

    /**
     * Simulates a crash for tests: stops at once without committing anything more, abandoning sessions in flight;
     * their requests are redone by whichever instance gets the partitions next.
     */
    public void kill() {
        commitOnExit = false;
        running = false;
        consumer.wakeup();
        join();
        // publishing stops first: closing the engine ends the sessions in flight, and a crashed instance would not
        // publish those aborted sessions as observations (their requests are redone by the next owner)
        sender.kill();
        if (listener != null) listener.close();
        closeSideParts();
        engine.close();
    }

    private void stop() {
        running = false;
        join();
        closeSideParts();
        engine.close();
        sender.close();
    }

    private void closeSideParts() {
        if (catalog != null) catalog.close();
        metrics.close();
        if (metricsServer != null) metricsServer.close();
        enricher.close();
        localEnricher.close();
    }

    private void join() {
        try {
            loop.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
