package org.btda.harvester.schedule;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.btda.events.HarvestKind;
import org.btda.harvester.tracker.AnnounceEvent;
import org.btda.harvester.tracker.AnnounceRequest;
import org.btda.harvester.tracker.TrackerClient;
import org.btda.harvester.tracker.TrackerClients;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.tracker.AnnounceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces every monitored torrent to one tracker per tier (every tier, so no tracker's peers are missed; BEP 12
 * order within a tier) and scrapes every tracker every scrape interval. All state lives on one scheduler thread;
 * network I/O is asynchronous, and results hop back onto that thread. A tracker's failure only backs that tracker off.
 */
public final class HarvestScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(HarvestScheduler.class);

    private final TrackerClient client;
    private final AnnounceIdentity identity;
    private final SchedulePolicy policy;
    private final Consumer<TrackerOutcome> listener;
    private final ScheduledExecutorService exec;
    private final Clock clock;
    private final Random random = new Random();
    private final Map<InfoHash, TorrentHarvest> torrents = new HashMap<>();

    public HarvestScheduler(TrackerClient client, AnnounceIdentity identity, SchedulePolicy policy,
            Consumer<TrackerOutcome> listener, ScheduledExecutorService exec, Clock clock) {
        this.client = client;
        this.identity = identity;
        this.policy = policy;
        this.listener = listener;
        this.exec = exec;
        this.clock = clock;
    }

    /** Starts harvesting a torrent; call on the scheduler thread. */
    public void add(Metainfo m) {
        if (torrents.containsKey(m.infoHash())) {
            return;
        }
        TorrentHarvest t = new TorrentHarvest(m);
        Map<URI, TrackerState> seen = new LinkedHashMap<>();
        for (List<String> tierUrls : m.announceTiers()) {
            List<TrackerState> states = new ArrayList<>();
            for (String u : tierUrls) {
                URI uri;
                try {
                    uri = new URI(u.strip());
                } catch (java.net.URISyntaxException e) {
                    LOG.warn("{}: bad tracker URL '{}': {}", m.infoHash().hex(), u, e.getMessage());
                    continue;
                }
                if (!TrackerClients.supported(uri)) {
                    LOG.info("{}: skipping tracker with unsupported scheme {}", m.infoHash().hex(), uri);
                    continue;
                }
                if (seen.containsKey(uri)) {
                    continue; // the same tracker in two tiers is announced to once
                }
                TrackerState s = new TrackerState(uri);
                seen.put(uri, s);
                states.add(s);
            }
            if (!states.isEmpty()) {
                t.tiers.add(new Tier(states, random));
            }
        }
        torrents.put(m.infoHash(), t);
        for (Tier tier : t.tiers) {
            announce(t, tier);
        }
        for (URI u : seen.keySet()) {
            if (client.canScrape(u)) {
                t.scrapes.put(u, null);
                scrape(t, u);
            }
        }
        if (t.tiers.isEmpty()) {
            LOG.warn("{} ({}) has no usable tracker", m.infoHash().hex(), m.name());
        }
    }

    /** Stops harvesting; call on the scheduler thread. Requests in flight finish but schedule nothing more. */
    public void remove(InfoHash h) {
        TorrentHarvest t = torrents.remove(h);
        if (t == null) {
            return;
        }
        t.active = false;
        for (Tier tier : t.tiers) {
            cancel(tier.next);
        }
        t.scrapes.values().forEach(HarvestScheduler::cancel);
    }

    public int torrentCount() {
        return torrents.size();
    }

    public boolean contains(InfoHash h) {
        return torrents.containsKey(h);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void announce(TorrentHarvest t, Tier tier) {
        if (!t.active || tier.inFlight) {
            return;
        }
        long now = System.nanoTime();
        TrackerState ts = tier.pick(now);
        if (ts == null) {
            long wait = Math.max(0, tier.earliestRetry() - now);
            tier.next = exec.schedule(() -> announce(t, tier), wait, TimeUnit.NANOSECONDS);
            return;
        }
        AnnounceRequest req = new AnnounceRequest(t.meta.infoHash(), identity.peerId(), identity.port(),
                Math.max(1, t.meta.totalSize()), policy.numWant(), identity.key(),
                ts.started ? AnnounceEvent.NONE : AnnounceEvent.STARTED, ts.trackerId);
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        tier.inFlight = true;
        CompletableFuture<AnnounceResponse> f;
        try {
            f = client.announce(ts.url, req);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((resp, err) -> exec.execute(() -> {
            tier.inFlight = false;
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (err == null) {
                ts.failures = 0;
                ts.started = true;
                if (resp.trackerId() != null) {
                    ts.trackerId = resp.trackerId();
                }
                if (resp.warning() != null) {
                    LOG.info("{} warns: {}", ts.url, resp.warning());
                }
                tier.moveToFront(ts);
                emit(new TrackerOutcome(t.meta.infoHash(), ts.url, HarvestKind.ANNOUNCE, startedAt, ms, resp, null, null));
                if (t.active) {
                    Duration next = policy.announceInterval(resp.interval(), resp.minInterval());
                    tier.next = exec.schedule(() -> announce(t, tier), next.toNanos(), TimeUnit.NANOSECONDS);
                }
            } else {
                ts.failures++;
                ts.retryAtNanos = System.nanoTime() + policy.backoff(ts.failures).toNanos();
                String msg = message(err);
                LOG.debug("announce of {} to {} failed: {}", t.meta.infoHash().hex(), ts.url, msg);
                emit(new TrackerOutcome(t.meta.infoHash(), ts.url, HarvestKind.ANNOUNCE, startedAt, ms, null, null, msg));
                // Next tracker of the tier right away, or wait for the first one's backoff.
                announce(t, tier);
            }
        }));
    }

    private void scrape(TorrentHarvest t, URI url) {
        if (!t.active) {
            return;
        }
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        CompletableFuture<org.btda.protocol.tracker.ScrapeResponse> f;
        try {
            f = client.scrape(url, t.meta.infoHash());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((resp, err) -> exec.execute(() -> {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            emit(new TrackerOutcome(t.meta.infoHash(), url, HarvestKind.SCRAPE, startedAt, ms, null, resp,
                    err == null ? null : message(err)));
            if (t.active) {
                t.scrapes.put(url, exec.schedule(() -> scrape(t, url), policy.scrapeInterval().toNanos(), TimeUnit.NANOSECONDS));
            }
        }));
    }

    private void emit(TrackerOutcome o) {
        try {
            listener.accept(o);
        } catch (RuntimeException e) {
            LOG.warn("outcome listener failed for {}", o.tracker(), e);
        }
    }

    /** The innermost message of a failed future, for HarvestRequest.error. */
    public static String message(Throwable err) {
        Throwable t = err;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** One torrent's tiers and scrape timers. */
    private static final class TorrentHarvest {
        final Metainfo meta;
        final List<Tier> tiers = new ArrayList<>();
        final Map<URI, ScheduledFuture<?>> scrapes = new LinkedHashMap<>();
        boolean active = true;

        TorrentHarvest(Metainfo meta) {
            this.meta = meta;
        }
    }
}
