package org.btda.evaluator;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.btda.common.health.Health;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.Topics;
import org.btda.common.metrics.Metrics;
import org.btda.common.metrics.MetricsServer;
import org.btda.common.net.PeerFilter;
import org.btda.evaluator.contact.TorrentInfo;
import org.btda.evaluator.contact.ContactEngine;
import org.btda.evaluator.contact.IncomingListener;
import org.btda.evaluator.contact.TransportMode;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.evaluator.utp.UtpSocketConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator worker: a stateless member of the consumer group on {@code btda.contacts}. Contacts each requested peer
 * as the request arrives and publishes exactly one observation per request (plus PEX discoveries); run as many
 * instances as needed, Kafka spreads the partitions.
 *
 * <p>Offsets are committed only up to the oldest contact whose events Kafka has acknowledged ({@link OffsetTracker},
 * {@link OffsetCommitter}), so a crashed instance loses no contact: the next owner of its partitions redoes the
 * unacknowledged tail (at-least-once; a request id may rarely yield two observations). Back-pressure
 * ({@link BackPressure}): when sessions in flight reach {@code evaluator.max-sessions}, the assigned partitions are
 * paused and the few already-fetched records wait locally ({@link WaitingRequests}).
 *
 * <p>This class only wires the parts and owns start, stop and kill. Threads: the consumer loop ({@link ConsumeLoop},
 * with {@link RebalanceHandler} and {@link StatsReporter}), the contact engine's and listener's event loops, and the
 * publisher thread ({@link ObservationPublisher} over {@link EventSender}).
 */
public final class EvaluatorService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);

    /** Consumer group: {@code <topic prefix>evaluator}, e.g. {@code btda.evaluator}; every instance joins it. */
    public static String groupId(Topics topics) {
        return topics.prefix() + "evaluator";
    }

    private final EvaluatorConfig config;
    private final Topics topics;
    private final EvaluatorStats stats = new EvaluatorStats();
    private final OffsetTracker tracker = new OffsetTracker();
    private final ContactEngine engine;
    private final EventSender sender;
    private final ObservationPublisher publisher;
    private final OffsetCommitter committer;
    private final ConsumeLoop loop;
    private final TorrentCatalog catalog;
    private final IncomingListener listener;
    private final UtpSocket utp;
    private final EvaluatorMetrics metrics;
    private final MetricsServer metricsServer;
    /** False in passive mode: the consume loop is never started, nobody is dialled. */
    private final boolean dial;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean stopping;

    public EvaluatorService(EvaluatorServiceConfig service) {
        this.config = service.evaluator();
        this.topics = new Topics(service.kafka());
        String id = config.instanceId();
        this.dial = service.dial();
        byte[] secret = Secrets.loadOrCreate(service.secretFile());
        ObservationFactory factory = new ObservationFactory(id, new PeerKeys(secret), new EndpointSealer(secret),
                service.storeAddresses());
        this.sender = new EventSender(service.kafka(), id, stats, () -> running);
        // the listener is bound first: with listen.port 0 only it knows the port that is "ourselves"
        ObservationPublisher[] publisherRef = new ObservationPublisher[1];
        // every instance runs the catalog: contact requests carry the piece count, not the file layout
        this.catalog = new TorrentCatalog(service.kafka(), topics.torrents(), id);
        if (service.listener().isPresent()) {
            EvaluatorServiceConfig.Listener l = service.listener().get();
            this.listener = new IncomingListener(config, stats, l.bind(), l.maxConnections(), l.maxPerAddress(),
                    l.follow().interval().toMillis(), l.follow().cap().toMillis(), catalog::get, catalog::infoHashByReq2,
                    (r, t) -> publisherRef[0].incomingEnded(r, t), (r, t) -> publisherRef[0].incomingSnapshot(r, t));
        } else {
            this.listener = null;
        }
        int ownPort = listener != null ? listener.port() : service.listenPort();
        PeerFilter pexFilter = new PeerFilter(ownPort, PeerFilter.liveLocalAddresses(), service.doNotContact());
        this.utp = config.transport() == TransportMode.TCP ? null : openUtp(config, listener);
        if (utp != null && listener != null) listener.acceptUtp(utp);
        this.engine = new ContactEngine(config, stats, service.doNotContact()::contains, pexFilter::isSelf, utp);
        this.publisher = new ObservationPublisher(factory, pexFilter, topics, stats, tracker, sender, service.enrichment());
        publisherRef[0] = publisher;

        this.consumer = ConsumeLoop.newConsumer(service.kafka(), groupId(topics), id);
        WaitingRequests waiting = new WaitingRequests();
        this.committer = new OffsetCommitter(consumer, tracker);
        BackPressure backPressure = new BackPressure(engine, config.maxSessions(), stats);
        StatsReporter statsReporter = new StatsReporter(consumer, waiting, stats, sender, id, config.maxSessions(),
                EvaluatorTopics.stats(topics), service.statsInterval());
        this.loop = new ConsumeLoop(consumer, topics.contacts(), new RebalanceHandler(committer, tracker, waiting, id),
                waiting, engine, backPressure, committer, statsReporter, publisher, tracker, stats, config.staleAfter(),
                () -> running, id);
        loop.layouts(infoHash -> {
            TorrentInfo t = catalog.get(infoHash);
            return t == null ? null : t.files();
        });

        this.metrics = new EvaluatorMetrics(Metrics.registry(), id, stats, config.maxSessions(), statsReporter::backlog,
                engine.mseCounters());
        if (utp != null) metrics.utp(id, utp.counters());
        this.metricsServer = MetricsServer.shared(service.metrics());
    }

    /**
     * uTP peers dial the port they know for TCP, so with the listener on, the UDP socket takes the listener's address
     * and port; otherwise any port on the bind address.
     */
    private static InetSocketAddress utpBind(EvaluatorConfig config, IncomingListener listener) {
        if (listener != null) return listener.localAddress();
        return config.bindAddress() == null ? new InetSocketAddress(0) : new InetSocketAddress(config.bindAddress(), 0);
    }

    /** The UDP port may be taken even where the TCP one was free: then the listener does not stay behind. */
    private static UtpSocket openUtp(EvaluatorConfig config, IncomingListener listener) {
        try {
            return new UtpSocket(utpBind(config, listener), UtpSocketConfig.DEFAULT.forSessions(config.maxSessions()));
        } catch (RuntimeException e) {
            if (listener != null) listener.close();
            throw e;
        }
    }

    /** The uTP socket's address, or null when contacts use TCP only. */
    public InetSocketAddress utpAddress() {
        return utp == null ? null : utp.localAddress();
    }

    /** The incoming listener's address, or null when not listening. */
    public InetSocketAddress listenAddress() {
        return listener == null ? null : listener.localAddress();
    }

    public void start() {
        running = true;
        if (catalog != null) catalog.start();
        if (listener != null) log.info("evaluator {} accepting incoming peers on {}", config.instanceId(), listener.localAddress());
        if (!dial) {
            log.info("evaluator {} is passive: it dials nobody and does not consume {}", config.instanceId(), topics.contacts());
            return;
        }
        loop.start();
        log.info("evaluator {} consuming {} (max sessions {}, quiet {}, cap {})", config.instanceId(), topics.contacts(),
                config.maxSessions(), config.quietTimeout(), config.sessionCap());
    }

    /**
     * Ready while consuming; dead when the consume loop ended on its own or the contact engine stopped while the service
     * should run: the evaluator then takes no more contact requests, and the launcher exits non-zero.
     */
    public Health health() {
        if (stopping) return Health.notReady("stopping");
        if (!running) return Health.notReady("not started");
        if (dial && !loop.isAlive()) {
            Throwable f = loop.failure();
            return Health.dead("consume loop ended" + (f == null ? "" : ": " + f));
        }
        if (!engine.isAlive()) return Health.dead("contact engine stopped");
        return Health.up();
    }

    public EvaluatorStats stats() {
        return stats;
    }

    public EvaluatorConfig config() {
        return config;
    }

    /**
     * Stops consuming, lets sessions in flight finish (up to the session cap), publishes their observations and
     * commits.
     */
    @Override
    public void close() {
        stopping = true;
        long deadline = System.nanoTime() + config.sessionCap().plusSeconds(5).toNanos();
        loop.drain(); // the loop stops dispatching and pauses everything, but keeps committing
        if (listener != null) listener.close(); // incoming sessions end now: their observations still publish
        while ((engine.inFlight() > 0 || stats.incomingInFlight() > 0) && System.nanoTime() < deadline && (!dial || loop.isAlive())) sleep(50);
        if (dial) {
            // then until Kafka acknowledged their observations (bounded: the broker may be gone) and the loop committed
            long ackDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tracker.totalInFlight() > 0 && System.nanoTime() < ackDeadline && loop.isAlive()) sleep(50);
            sleep(OffsetCommitter.INTERVAL.toMillis() * 2);
        }
        stop();
    }

    /**
     * Simulates a crash for tests: stops at once without committing anything more, abandoning sessions in flight;
     * their requests are redone by whichever instance gets the partitions next.
     */
    public void kill() {
        stopping = true;
        committer.stop();
        running = false;
        loop.wakeup();
        loop.join();
        // publishing stops first: closing the engine ends the sessions in flight, and a crashed instance would not
        // publish those aborted sessions as observations (their requests are redone by the next owner)
        sender.kill();
        if (listener != null) listener.close();
        closeSideParts();
        engine.close();
        if (utp != null) utp.close();
    }

    private void stop() {
        running = false;
        loop.join();
        closeSideParts();
        engine.close();
        if (utp != null) utp.close();
        sender.close();
    }

    private void closeSideParts() {
        if (!dial) consumer.close(); // never subscribed: the loop that owns it in an active evaluator never ran
        if (catalog != null) catalog.close();
        metrics.close();
        if (metricsServer != null) metricsServer.close();
        publisher.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
