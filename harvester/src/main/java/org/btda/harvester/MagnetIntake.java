package org.btda.harvester;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.btda.common.net.PeerFilter;
import org.btda.events.HarvestKind;
import org.btda.harvester.magnet.MagnetFileWatcher;
import org.btda.harvester.magnet.MagnetResolver;
import org.btda.harvester.schedule.AnnounceIdentity;
import org.btda.harvester.schedule.DhtScheduler;
import org.btda.harvester.schedule.HarvestScheduler;
import org.btda.harvester.schedule.SchedulePolicy;
import org.btda.harvester.schedule.TrackerOutcome;
import org.btda.harvester.tracker.AnnounceEvent;
import org.btda.harvester.tracker.AnnounceRequest;
import org.btda.harvester.tracker.TrackerClient;
import org.btda.harvester.tracker.TrackerClients;
import org.btda.protocol.magnet.MagnetUri;
import org.btda.protocol.magnet.PeerAddress;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.tracker.AnnounceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code magnets.file} pipeline. For every new magnet: peers from its {@code x.pe}, a DHT lookup (when the DHT is
 * on) and one announce to each of its {@code tr} trackers, all published like any other discovered peers; then the
 * info dictionary is fetched from those peers (BEP 9) and verified. A resolved magnet is handed to {@link Registrar},
 * which registers it exactly like a .torrent file. A failed attempt is retried with exponential backoff. Runs on the
 * harvester's scheduler thread; network results hop back onto it.
 */
final class MagnetIntake {
    private static final Logger LOG = LoggerFactory.getLogger(MagnetIntake.class);
    /** Remembered invalid lines, so each is reported once; beyond this they are still skipped, just not counted. */
    private static final int MAX_REPORTED_INVALID = 10_000;

    /** Takes over a verified torrent (on the scheduler thread). */
    interface Registrar {
        void register(Metainfo torrent, MagnetUri magnet);
    }

    private final MagnetFileWatcher watcher;
    private final MagnetResolver resolver;
    private final TrackerClient trackers;
    private final DhtScheduler dht;
    private final HarvestPublisher publisher;
    private final PeerFilter filter;
    private final AnnounceIdentity identity;
    private final SchedulePolicy policy;
    private final Duration retryBase;
    private final Duration peerWait;
    private final Predicate<InfoHash> monitored;
    private final Registrar registrar;
    private final HarvesterStats stats;
    private final ScheduledExecutorService exec;
    private final Clock clock;
    private final Map<InfoHash, Pending> pending = new HashMap<>();
    private final Set<String> reportedInvalid = new LinkedHashSet<>();
    private boolean closed;

    /** One magnet not resolved yet. */
    private static final class Pending {
        final MagnetUri magnet;
        int failures;

        Pending(MagnetUri magnet) {
            this.magnet = magnet;
        }
    }

    /**
     * @param dht       null when the DHT is off
     * @param retryBase first retry delay, doubling per failure up to the policy's maximum backoff
     * @param peerWait  longest wait for peer sources (DHT, trackers) before fetching metadata from the peers found
     * @param monitored whether a torrent is already harvested (e.g. also present as a .torrent file)
     */
    MagnetIntake(MagnetFileWatcher watcher, MagnetResolver resolver, TrackerClient trackers, DhtScheduler dht,
            HarvestPublisher publisher, PeerFilter filter, AnnounceIdentity identity, SchedulePolicy policy,
            Duration retryBase, Duration peerWait, Predicate<InfoHash> monitored, Registrar registrar, HarvesterStats stats,
            ScheduledExecutorService exec, Clock clock) {
        this.watcher = watcher;
        this.resolver = resolver;
        this.trackers = trackers;
        this.dht = dht;
        this.publisher = publisher;
        this.filter = filter;
        this.identity = identity;
        this.policy = policy;
        this.retryBase = retryBase;
        this.peerWait = peerWait;
        this.monitored = monitored;
        this.registrar = registrar;
        this.stats = stats;
        this.exec = exec;
        this.clock = clock;
    }

    /** Magnets waiting for metadata. */
    int pendingCount() {
        return pending.size();
    }

    /** Reads the file and starts resolving new magnets; call on the scheduler thread. */
    void scan() {
        MagnetFileWatcher.Scan s;
        try {
            s = watcher.scan();
        } catch (IOException e) {
            LOG.warn("cannot read magnets file: {}", e.toString());
            return;
        }
        for (MagnetFileWatcher.Invalid bad : s.invalid()) {
            String id = bad.line() + ":" + bad.reason();
            if (reportedInvalid.size() < MAX_REPORTED_INVALID && reportedInvalid.add(id)) {
                stats.magnetsInvalid.incrementAndGet();
                LOG.error("magnets file line {}: {}", bad.line(), bad.reason());
            }
        }
        for (MagnetUri m : s.added()) {
            stats.magnetsAdded.incrementAndGet();
            if (monitored.test(m.infoHash())) {
                LOG.info("magnet {} is already monitored", m.infoHash().hex());
                continue;
            }
            Pending p = new Pending(m);
            pending.put(m.infoHash(), p);
            attempt(p);
        }
    }

    void close() {
        closed = true;
    }

    private void attempt(Pending p) {
        if (closed || pending.get(p.magnet.infoHash()) != p) {
            return;
        }
        if (monitored.test(p.magnet.infoHash())) {
            pending.remove(p.magnet.infoHash()); // registered meanwhile from a .torrent file
            return;
        }
        InfoHash h = p.magnet.infoHash();
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        Set<InetSocketAddress> candidates = new LinkedHashSet<>(publisher.magnetPeers(h, literalPeers(p.magnet)));
        List<CompletableFuture<?>> sources = new ArrayList<>();
        if (dht != null) {
            sources.add(dht.lookupOnce(h).thenAccept(o -> o.peers().stream()
                    .filter(a -> filter.check(a) == PeerFilter.Verdict.ACCEPT).forEach(candidates::add)));
        }
        for (URI tracker : trackerUris(p.magnet)) {
            sources.add(announce(h, tracker).thenAccept(candidates::addAll));
        }
        // A silent source (UDP tracker retransmitting for minutes) must not hold up the others: after peerWait we
        // go with what we have; late peers are still published and join the next attempt if this one fails.
        CompletableFuture.allOf(sources.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, peerWait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, err) -> hop(() -> {
            if (candidates.isEmpty()) {
                failed(p, startedAt, t0, 0, "no peers (x.pe, DHT and trackers gave none)");
                return;
            }
            // x.pe was filtered above (do-not-contact, ourselves): the resolver gets only accepted addresses
            MagnetUri bare = new MagnetUri(h, p.magnet.displayName(), p.magnet.trackers(), List.of());
            List<InetSocketAddress> peers = List.copyOf(candidates);
            resolver.resolve(bare, peers).whenComplete((meta, rerr) -> hop(() -> {
                if (rerr != null) {
                    failed(p, startedAt, t0, peers.size(), HarvestScheduler.message(rerr));
                } else {
                    resolved(p, meta, startedAt, t0, peers.size());
                }
            }));
        }));
    }

    private void resolved(Pending p, Metainfo meta, Instant startedAt, long t0, int candidates) {
        InfoHash h = p.magnet.infoHash();
        publisher.metadata(new MetadataOutcome(h, startedAt, ms(t0), candidates, null));
        if (closed || pending.remove(h) != p) {
            return;
        }
        stats.magnetsResolved.incrementAndGet();
        LOG.info("magnet {} resolved: {} ({} pieces) from {} candidate peers", h.hex(), meta.name(), meta.pieceCount(),
                candidates);
        if (!monitored.test(h)) {
            registrar.register(meta, p.magnet);
        }
    }

    private void failed(Pending p, Instant startedAt, long t0, int candidates, String why) {
        publisher.metadata(new MetadataOutcome(p.magnet.infoHash(), startedAt, ms(t0), candidates, why));
        if (closed || pending.get(p.magnet.infoHash()) != p) {
            return;
        }
        p.failures++;
        Duration wait = retryBase.multipliedBy(1L << Math.min(p.failures - 1, 20));
        if (wait.compareTo(policy.maxBackoff()) > 0) {
            wait = policy.maxBackoff();
        }
        LOG.info("magnet {} not resolved (attempt {}): {}; retrying in {}", p.magnet.infoHash().hex(), p.failures, why,
                wait);
        try {
            exec.schedule(() -> attempt(p), wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // shutting down
        }
    }

    /** One announce to a magnet's tracker, published like the scheduler's; completes with the accepted peers. */
    private CompletableFuture<List<InetSocketAddress>> announce(InfoHash h, URI tracker) {
        AnnounceRequest req = new AnnounceRequest(h, identity.peerId(), identity.port(), 1, policy.numWant(),
                identity.key(), AnnounceEvent.STARTED, null);
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        CompletableFuture<AnnounceResponse> f;
        try {
            f = trackers.announce(tracker, req);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<List<InetSocketAddress>> out = new CompletableFuture<>();
        f.whenComplete((resp, err) -> hop(() -> {
            TrackerOutcome o = new TrackerOutcome(h, tracker, HarvestKind.ANNOUNCE, startedAt, ms(t0), resp, null,
                    err == null ? null : HarvestScheduler.message(err));
            out.complete(publisher.outcome(o));
        }));
        return out;
    }

    private static List<URI> trackerUris(MagnetUri m) {
        List<URI> out = new ArrayList<>();
        for (String t : m.trackers()) {
            try {
                URI u = new URI(t.strip());
                if (TrackerClients.supported(u)) {
                    out.add(u);
                }
            } catch (URISyntaxException e) {
                LOG.warn("{}: bad tracker URL '{}' in magnet", m.infoHash().hex(), t);
            }
        }
        return out;
    }

    /** x.pe as addresses; only IP literals (a name could point anywhere and would need DNS). */
    static List<InetSocketAddress> literalPeers(MagnetUri m) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (PeerAddress p : m.peers()) {
            byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(p.host());
            if (ip != null) {
                try {
                    out.add(new InetSocketAddress(InetAddress.getByAddress(ip), p.port()));
                } catch (UnknownHostException impossible) {
                    // 4 or 16 bytes always form an address
                }
            }
        }
        return out;
    }

    private void hop(Runnable r) {
        try {
            exec.execute(r);
        } catch (RejectedExecutionException closing) {
            // the harvester is shutting down
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
