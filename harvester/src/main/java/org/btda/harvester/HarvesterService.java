package org.btda.harvester;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.health.Health;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.Topics;
import org.btda.events.codec.EventCodec;
import org.btda.events.TorrentSource;
import org.btda.harvester.dht.DhtNode;
import org.btda.harvester.magnet.MagnetFileWatcher;
import org.btda.harvester.magnet.MagnetResolver;
import org.btda.harvester.schedule.DhtScheduler;
import org.btda.harvester.schedule.HarvestScheduler;
import org.btda.harvester.schedule.SchedulePolicy;
import org.btda.harvester.torrents.TorrentFolderWatcher;
import org.btda.harvester.torrents.TorrentListener;
import org.btda.harvester.tracker.HttpTrackerClient;
import org.btda.harvester.tracker.RetransmitPolicy;
import org.btda.harvester.tracker.TrackerClients;
import org.btda.harvester.tracker.UdpTrackerClient;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.common.net.PeerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harvester: watches {@code torrents.dir} and {@code magnets.file}, announces and scrapes every tracker of every
 * torrent, looks every torrent up in the DHT when {@code dht.enabled}, and publishes TorrentRegistered, PeerDiscovered
 * and HarvestRequest records. One scheduler thread owns all state; tracker, DHT and metadata I/O is asynchronous
 * (HTTP client threads, one UDP tracker socket, the DHT node's and the metadata resolver's event loops).
 */
public final class HarvesterService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HarvesterService.class);
    /** Bound on remembered peers per torrent for the "new within revisit.delay" count. */
    static final int MAX_RECENT_PER_TORRENT = 200_000;
    /** How long a magnet's peer sources (DHT lookup, tr announces) are awaited before fetching metadata. */
    static final Duration MAGNET_PEER_WAIT = Duration.ofSeconds(10);

    private final HarvesterConfig config;
    private final HarvesterStats stats = new HarvesterStats();
    private volatile ScheduledExecutorService exec;
    private KafkaProducer<String, byte[]> producer;
    private TrackerClients trackers;
    private TorrentFolderWatcher watcher;
    private ClientIdentity identity;
    private DhtNode dhtNode;
    private MagnetResolver resolver;
    private MagnetIntake magnets;
    private volatile ScheduledFuture<?> scanTask;

    public HarvesterService(HarvesterConfig config) {
        this.config = config;
    }

    public synchronized void start() {
        if (exec != null) {
            throw new IllegalStateException("already started");
        }
        Clock clock = Clock.systemUTC();
        PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(config.secretFile()));
        identity = ClientIdentity.loadOrCreate(config.stateDir());
        Topics topics = new Topics(config.kafka());
        int listenPort = config.listenPort();
        if (config.listening() && listenPort == 0) {
            // btda local turns 0 into a real port before starting; a harvester run apart cannot know the evaluator's
            LOG.warn("listen.port is 0: trackers are told port 0 and incoming peers cannot find btda; give harvester and "
                    + "evaluator the same fixed listen.port");
        }
        PeerFilter filter = new PeerFilter(listenPort, PeerFilter.liveLocalAddresses(), config.doNotContact());
        RecentPeers recent = new RecentPeers(config.recentPeersWindow().toMillis(), MAX_RECENT_PER_TORRENT);

        producer = new KafkaProducer<>(KafkaClients.producer(config.kafka(), "btda-harvester"), new StringSerializer(), new ByteArraySerializer());
        RecordSink sink = this::send;
        HarvestPublisher publisher = new HarvestPublisher(sink, topics, keys, filter, recent, stats, clock);

        try {
            // announces leave from the address btda listens on: trackers record the sender's address with our port
            InetAddress source = config.listenAddress().orElse(null);
            trackers = new TrackerClients(new HttpTrackerClient(config.trackerTimeout(), source),
                    new UdpTrackerClient(RetransmitPolicy.bep15(config.udpRetransmitBase()), source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open UDP tracker socket", e);
        }
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "harvester");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        exec = ex;
        SchedulePolicy policy = config.schedule();
        HarvestScheduler scheduler = new HarvestScheduler(trackers, identity.announceIdentity(listenPort),
                policy, publisher::outcome, exec, clock);
        DhtScheduler dht = startDht(publisher, listenPort, clock);
        // Torrents that came from a magnet: a .torrent file of the same torrent disappearing must not stop them.
        Set<InfoHash> fromMagnets = new HashSet<>();
        Path dir = config.torrentsDir();
        watcher = new TorrentFolderWatcher(dir, new TorrentListener() {
            @Override
            public void registered(Metainfo torrent, Path file) {
                stats.torrentsRegistered.incrementAndGet();
                publisher.torrent(torrent, file, true);
                scheduler.add(torrent);
                if (dht != null) {
                    dht.add(torrent.infoHash());
                }
            }

            @Override
            public void unregistered(Metainfo torrent, Path file) {
                if (fromMagnets.contains(torrent.infoHash())) {
                    return;
                }
                stats.torrentsUnregistered.incrementAndGet();
                scheduler.remove(torrent.infoHash());
                if (dht != null) {
                    dht.remove(torrent.infoHash());
                }
                publisher.torrent(torrent, file, false);
            }

            @Override
            public void malformed(Path file, String reason) {
                stats.malformedFiles.incrementAndGet();
            }
        });
        Optional<Path> magnetFile = config.magnetsFile();
        if (magnetFile.isPresent()) {
            resolver = new MagnetResolver(config.magnet());
            // Retries start at the scan interval (how quickly the operator wants new input acted on) and double.
            Duration retryBase = Duration.ofMillis(Math.max(1000, config.scanInterval().toMillis()));
            magnets = new MagnetIntake(new MagnetFileWatcher(magnetFile.get()), resolver, trackers, dht, publisher, filter,
                    identity.announceIdentity(listenPort), policy, retryBase, MAGNET_PEER_WAIT, scheduler::contains, (torrent, magnet) -> {
                        fromMagnets.add(torrent.infoHash());
                        stats.torrentsRegistered.incrementAndGet();
                        String origin = magnet.displayName() != null ? magnet.displayName() : magnet.toUri();
                        publisher.torrent(torrent, TorrentSource.MAGNET, origin, true);
                        scheduler.add(torrent);
                        if (dht != null) {
                            dht.add(torrent.infoHash());
                        }
                    }, stats, exec, clock);
        }
        long scan = config.scanInterval().toMillis();
        scanTask = exec.scheduleWithFixedDelay(this::scan, 0, Math.max(100, scan), TimeUnit.MILLISECONDS);
        LOG.info("harvester started: peer id {}, torrents from {}, magnets from {}, listen port {}, DHT {}",
                identity.peerIdText(), dir.toAbsolutePath(), magnetFile.map(Path::toString).orElse("-"), listenPort,
                dhtNode == null ? "off" : dhtNode.localAddress());
    }

    /** The DHT node and its per-torrent lookups, or null when dht.enabled is off. */
    private DhtScheduler startDht(HarvestPublisher publisher, int listenPort, Clock clock) {
        if (config.dht().isEmpty()) {
            return null;
        }
        try {
            dhtNode = DhtNode.start(config.dht().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the DHT node", e);
        }
        // announce_peer only when we accept incoming peers: otherwise nobody would be listening
        int announcePort = config.listening() && listenPort > 0 ? listenPort : 0;
        return new DhtScheduler(dhtNode, config.dhtInterval(), announcePort, publisher::dht, exec, clock);
    }

    private void scan() {
        try {
            watcher.scan();
        } catch (RuntimeException e) {
            // Never let one bad scan kill the periodic task.
            LOG.error("torrent folder scan failed", e);
        }
        if (magnets != null) {
            try {
                magnets.scan();
            } catch (RuntimeException e) {
                LOG.error("magnets file scan failed", e);
            }
        }
    }

    private void send(String topic, String key, SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(value)), (md, err) -> {
            if (err != null) {
                stats.publishErrors.incrementAndGet();
                LOG.warn("publish to {} failed: {}", topic, err.toString());
            }
        });
    }

    /**
     * Ready while the scheduler's periodic scan runs; dead when it ended on its own (a periodic task that throws is never
     * run again, and the harvester would then idle with no new torrents or magnets).
     */
    public Health health() {
        ScheduledExecutorService e = exec;
        ScheduledFuture<?> task = scanTask;
        if (e == null || task == null) return Health.notReady(task == null ? "not started" : "stopped");
        if (e.isShutdown()) return Health.notReady("stopping");
        if (task.isDone()) return Health.dead("the harvester's scan loop ended" + scanFailure(task));
        return Health.up();
    }

    private static String scanFailure(ScheduledFuture<?> task) {
        if (task.isCancelled()) return "";
        try {
            task.get();
            return "";
        } catch (ExecutionException e) {
            return ": " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (java.util.concurrent.CancellationException e) {
            return "";
        }
    }

    /** The DHT node (null when dht.enabled is off or not started); for status and tests. */
    public synchronized DhtNode dhtNode() {
        return dhtNode;
    }

    public HarvesterStats stats() {
        return stats;
    }

    /** The peer id we announce with (for logs and tests). */
    public synchronized String peerId() {
        return identity == null ? null : identity.peerIdText();
    }

    @Override
    public synchronized void close() {
        if (exec == null) {
            return;
        }
        if (magnets != null) {
            magnets.close();
        }
        exec.shutdownNow();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dhtNode != null) {
            dhtNode.close(); // saves node id and routing table under state.dir
        }
        if (resolver != null) {
            resolver.close();
        }
        trackers.close();
        producer.close(Duration.ofSeconds(10));
        exec = null;
        LOG.info("harvester stopped: {}", stats);
    }
}
