package org.btda.harvester.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.btda.harvester.dht.DhtNode;
import org.btda.harvester.dht.LookupResult;
import org.btda.protocol.metainfo.InfoHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One get_peers lookup per monitored torrent every {@code dht.interval} (with announce_peer of our listen port when
 * {@code announcePort > 0}). Same ownership model as {@link HarvestScheduler}: all state on the scheduler thread, the
 * DHT node's futures hop back onto it. At most one lookup per torrent is in flight.
 */
public final class DhtScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(DhtScheduler.class);
    /** Safety net over the node's own per-query timeouts: a lookup never holds its torrent's slot longer. */
    static final Duration MAX_LOOKUP = Duration.ofMinutes(2);

    private final DhtNode node;
    private final Duration interval;
    private final int announcePort;
    private final Consumer<DhtOutcome> listener;
    private final ScheduledExecutorService exec;
    private final Clock clock;
    private final Map<InfoHash, Entry> torrents = new HashMap<>();

    /** @param announcePort our listen port to announce_peer, or 0 to only look up */
    public DhtScheduler(DhtNode node, Duration interval, int announcePort, Consumer<DhtOutcome> listener,
            ScheduledExecutorService exec, Clock clock) {
        this.node = node;
        this.interval = interval;
        this.announcePort = announcePort;
        this.listener = listener;
        this.exec = exec;
        this.clock = clock;
    }

    /** Starts periodic lookups, the first right away; call on the scheduler thread. */
    public void add(InfoHash h) {
        if (torrents.containsKey(h)) {
            return;
        }
        Entry e = new Entry(h);
        torrents.put(h, e);
        run(e);
    }

    /** Stops; a lookup in flight still reports but schedules nothing more. Call on the scheduler thread. */
    public void remove(InfoHash h) {
        Entry e = torrents.remove(h);
        if (e != null) {
            e.active = false;
            if (e.next != null) {
                e.next.cancel(false);
            }
        }
    }

    public int torrentCount() {
        return torrents.size();
    }

    /**
     * One lookup outside the periodic schedule (magnet resolution). The listener sees it like any other; the returned
     * future completes on the scheduler thread after the listener ran.
     */
    public CompletableFuture<DhtOutcome> lookupOnce(InfoHash h) {
        CompletableFuture<DhtOutcome> done = new CompletableFuture<>();
        start(h, false, done::complete);
        return done;
    }

    private void run(Entry e) {
        if (!e.active || e.inFlight) {
            return;
        }
        e.inFlight = true;
        start(e.hash, announcePort > 0, o -> {
            e.inFlight = false;
            if (e.active) {
                e.next = exec.schedule(() -> run(e), interval.toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    private void start(InfoHash h, boolean announce, Consumer<DhtOutcome> then) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        CompletableFuture<DhtNode.AnnounceResult> f;
        try {
            f = announce ? node.announce(h, announcePort)
                    : node.lookup(h).thenApply(r -> new DhtNode.AnnounceResult(r, -1));
        } catch (RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.orTimeout(MAX_LOOKUP.toMillis(), TimeUnit.MILLISECONDS).whenComplete((a, err) -> hop(() -> {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            DhtOutcome o;
            if (err != null) {
                o = new DhtOutcome(h, startedAt, ms, List.of(), 0, 0, -1, HarvestScheduler.message(err));
            } else {
                LookupResult r = a.lookup();
                String error = r.nodesResponded() == 0 ? "no DHT node answered (" + r.nodesQueried() + " queried)" : null;
                o = new DhtOutcome(h, startedAt, ms, r.peers(), r.nodesQueried(), r.nodesResponded(), a.acknowledged(),
                        error);
            }
            try {
                listener.accept(o);
            } catch (RuntimeException ex) {
                LOG.warn("DHT outcome listener failed for {}", h.hex(), ex);
            }
            then.accept(o);
        }));
    }

    private void hop(Runnable r) {
        try {
            exec.execute(r);
        } catch (RejectedExecutionException closing) {
            // the harvester is shutting down: nothing to report to
        }
    }

    private static final class Entry {
        final InfoHash hash;
        ScheduledFuture<?> next;
        boolean inFlight;
        boolean active = true;

        Entry(InfoHash hash) {
            this.hash = hash;
        }
    }
}
