package org.btda.it.swarm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real BitTorrent swarm inside the current network namespace: two trackers (opentracker, bittorrent-tracker), one
 * Transmission seeder, rate-limited leechers of different implementations and optionally a leecher frozen at about half.
 * Every host has its own address (one /24 each) on the namespace's lo; nothing here can run in the main namespace.
 * All processes and logs live under the work dir; {@link #close()} ends them all.
 */
public final class Swarm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Swarm.class);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
    private static final int PEER_PORT = 6881;

    /** One progress reading; the sampler keeps them all (bounded by the run length). */
    public record Sample(Instant at, String peer, double progress) {
    }

    private final Path workDir;
    private final SwarmOptions options;
    private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
    private final List<SwarmTracker> trackers = new ArrayList<>();
    private final List<ClientPeer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Instant> completedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swarm-sampler");
        t.setDaemon(true);
        return t;
    });
    private SwarmTorrent torrent;
    /** The torrent with bittorrent-tracker first (for clients that announce to one tracker only). */
    private SwarmTorrent btFirst;
    private Instant leechersStartedAt;
    private volatile Double halfFrozenAt;

    private Swarm(Path workDir, SwarmOptions options) {
        this.workDir = workDir;
        this.options = options;
    }

    /** Starts everything and returns once every client has the torrent loaded and the seeder is complete. */
    public static Swarm start(Path workDir, SwarmOptions options) throws IOException, InterruptedException {
        Namespace.requireIsolated();
        Files.createDirectories(workDir);
        Swarm swarm = new Swarm(workDir, options);
        Thread hook = new Thread(swarm::close, "swarm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            swarm.startAll();
            return swarm;
        } catch (IOException | InterruptedException | RuntimeException e) {
            swarm.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        InetAddress otAddr = ip("198.18.0.2");
        InetAddress btAddr = ip("198.18.0.3");
        List<InetAddress> all = new ArrayList<>(List.of(otAddr, btAddr, ip("198.18.1.2")));
        for (int i = 0; i < options.leechers().size() + 1; i++) {
            all.add(ip("198.18." + (2 + i) + ".2"));
        }
        Namespace.ensureAddresses(all);

        List<String> announce = List.of("http://198.18.0.2:6969/announce", "udp://198.18.0.2:6969/announce",
                "http://198.18.0.3:8000/announce", "udp://198.18.0.3:8000/announce");
        torrent = SwarmTorrent.create(workDir, options.payloadBytes(), options.pieceLengthLog2(), announce);
        LOG.info("swarm torrent {} ({} pieces of {} B) in {}", torrent.infoHashHex(), torrent.pieceCount(),
                torrent.pieceLength(), workDir);

        trackers.add(track(SwarmTracker.opentracker(otAddr, 6969, workDir.resolve("opentracker"), torrent.infoHashHex())));
        trackers.add(track(SwarmTracker.bittorrentTracker(btAddr, 8000, workDir.resolve("bittorrent-tracker"),
                torrent.infoHashHex(), nodeModules())));

        SwarmTracker ot = trackers.get(0);
        SwarmTracker bt = trackers.get(1);
        SwarmTorrent btFirst = torrent.withAnnounceOrder(workDir.resolve("swarm-bittorrent-tracker-first.torrent"),
                List.of(announce.get(2), announce.get(3), announce.get(0), announce.get(1)));
        TransmissionPeer seeder = new TransmissionPeer("seeder-transmission", SwarmPeer.Role.SEEDER,
                peer("198.18.1.2"), 0, workDir.resolve("seeder-transmission"), torrent.payload().getParent());
        startPeer(seeder, torrent, List.of(ot, bt));
        Waits.until(Duration.ofSeconds(60), "seeder verified", () -> seeder.progress() >= 1.0);

        this.btFirst = btFirst;
        leechersStartedAt = Instant.now();
        int subnet = 2;
        for (SwarmOptions.Implementation impl : options.leechers()) {
            String name = "leecher-" + impl.name().toLowerCase(java.util.Locale.ROOT);
            startLeecher(impl, name, SwarmPeer.Role.LEECHER, peer("198.18." + subnet++ + ".2"));
        }
        if (options.stopAtHalf()) {
            Path dir = workDir.resolve("half-leecher-transmission");
            startPeer(new TransmissionPeer("half-leecher-transmission", SwarmPeer.Role.HALF_LEECHER,
                    peer("198.18." + subnet + ".2"), options.leecherLimitBytesPerSecond() / 1000 * 1000, dir,
                    dir.resolve("downloads")), torrent, List.of(ot, bt));
        }
        sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        Files.writeString(workDir.resolve("swarm.txt"), describe());
        LOG.info("swarm started:\n{}", describe());
    }

    private ClientPeer startLeecher(SwarmOptions.Implementation impl, String name, SwarmPeer.Role role, InetSocketAddress addr)
            throws IOException, InterruptedException {
        SwarmTracker ot = trackers.get(0);
        SwarmTracker bt = trackers.get(1);
        long limit = options.leecherLimitBytesPerSecond();
        Path dir = workDir.resolve(name);
        ClientPeer client = switch (impl) {
            // Transmission's limit unit is 1000 B/s: round to what it really enforces.
            case TRANSMISSION -> new TransmissionPeer(name, role, addr, limit / 1000 * 1000, dir, dir.resolve("downloads"),
                    TransmissionPeer.ENCRYPTION_REQUIRED);
            case QBITTORRENT -> new QbittorrentPeer(name, role, addr, limit / 1024 * 1024, dir);
            case ARIA2 -> new Aria2Peer(name, role, addr, limit, dir, 6800);
            case RTORRENT -> new RtorrentPeer(name, role, addr, limit / 1024 * 1024, dir);
            case CTORRENT -> new CtorrentPeer(name, role, addr, limit / 1024 * 1024, dir);
            case LIBTORRENT -> new LibtorrentPeer(name, role, addr, limit, dir);
            case LIBTORRENT_UTP -> new LibtorrentUtpPeer(name, role, addr, limit, dir);
        };
        // Transmission and qBittorrent announce to every tier; the others stop at the first tracker that answers.
        switch (impl) {
            case TRANSMISSION, QBITTORRENT, LIBTORRENT, LIBTORRENT_UTP -> startPeer(client, torrent, List.of(ot, bt));
            case ARIA2 -> startPeer(client, torrent, List.of(ot));
            case RTORRENT, CTORRENT -> startPeer(client, btFirst, List.of(bt));
        }
        return client;
    }

    /**
     * Starts one more leecher now, on its own address 198.18.{@code subnet}.2 (subnets 10 and up are free), at the
     * swarm's rate limit; its progress is sampled like every client's ({@link #completedAt}).
     */
    public synchronized SwarmPeer startLateLeecher(SwarmOptions.Implementation impl, String name, int subnet)
            throws IOException, InterruptedException {
        if (subnet < 10 || subnet > 250) {
            throw new IllegalArgumentException("late leechers live on subnets 10..250, not " + subnet);
        }
        InetSocketAddress addr = peer("198.18." + subnet + ".2");
        Namespace.ensureAddresses(List.of(addr.getAddress()));
        ClientPeer c = startLeecher(impl, name, SwarmPeer.Role.LATE_LEECHER, addr);
        Files.writeString(workDir.resolve("swarm.txt"), describe());
        LOG.info("late leecher started: {}", c);
        return c;
    }

    /** When the client reported 100 % (to the sampling period), if it did. */
    public Optional<Instant> completedAt(String peerName) {
        return Optional.ofNullable(completedAt.get(peerName));
    }

    private void startPeer(ClientPeer p, SwarmTorrent metainfo, List<SwarmTracker> announcesTo)
            throws IOException, InterruptedException {
        closeables.add(p);
        peers.add(p);
        p.announcesTo(announcesTo);
        p.start(metainfo);
    }

    private SwarmTracker track(SwarmTracker t) {
        closeables.add(t);
        return t;
    }

    /** Reads every client's progress, freezes the half leecher at 50 % and appends to progress.log. */
    private void sample() {
        Instant now = Instant.now();
        StringBuilder line = new StringBuilder(now.toString());
        for (ClientPeer p : peers) {
            double v;
            try {
                v = p.progress();
            } catch (Exception e) {
                v = -1; // logged as -1: unreadable this round
                line.append(' ').append(p.name()).append("=ERR(").append(e.getMessage()).append(')');
            }
            if (v >= 0) {
                samples.add(new Sample(now, p.name(), v));
                line.append(' ').append(p.name()).append('=').append(String.format(java.util.Locale.ROOT, "%.4f", v));
                if (v >= 1.0) {
                    completedAt.putIfAbsent(p.name(), now);
                }
                if (p.role() == SwarmPeer.Role.HALF_LEECHER && v >= 0.5 && halfFrozenAt == null) {
                    try {
                        ((TransmissionPeer) p).freezeDownload();
                        halfFrozenAt = v;
                        line.append(" (frozen)");
                    } catch (Exception e) {
                        line.append(" (freeze failed: ").append(e.getMessage()).append(')');
                    }
                }
            }
        }
        try {
            Files.writeString(workDir.resolve("progress.log"), line.append('\n'), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until every full leecher reports 100 %; returns each one's download time counted from the moment the
     * leechers were started (to the sampling period of 2 s).
     */
    public Map<String, Duration> awaitAllComplete(Duration timeout) throws InterruptedException {
        Waits.until(timeout, "all leechers complete (see " + workDir.resolve("progress.log") + ")", () -> {
            for (ClientPeer p : peers) {
                if (p.role() == SwarmPeer.Role.LEECHER) {
                    p.requireAlive();
                }
            }
            return leechers().stream().allMatch(p -> completedAt.containsKey(p.name()));
        });
        Map<String, Duration> out = new LinkedHashMap<>();
        for (SwarmPeer p : leechers()) {
            out.put(p.name(), Duration.between(leechersStartedAt, completedAt.get(p.name())));
        }
        return out;
    }

    public SwarmTorrent torrent() {
        return torrent;
    }

    public SwarmOptions options() {
        return options;
    }

    public List<SwarmTracker> trackers() {
        return List.copyOf(trackers);
    }

    /** Every client: seeder, full leechers, half leecher. */
    public List<SwarmPeer> peers() {
        return List.copyOf(peers);
    }

    public List<SwarmPeer> leechers() {
        return peers.stream().filter(p -> p.role() == SwarmPeer.Role.LEECHER).map(p -> (SwarmPeer) p).toList();
    }

    public SwarmPeer seeder() {
        return peers.stream().filter(p -> p.role() == SwarmPeer.Role.SEEDER).findFirst().orElseThrow();
    }

    public Optional<SwarmPeer> halfLeecher() {
        return peers.stream().filter(p -> p.role() == SwarmPeer.Role.HALF_LEECHER).map(p -> (SwarmPeer) p).findFirst();
    }

    /** Progress at which the half leecher was frozen, once it was. */
    public Optional<Double> halfLeecherFrozenAt() {
        return Optional.ofNullable(halfFrozenAt);
    }

    public Instant leechersStartedAt() {
        return leechersStartedAt;
    }

    /** Every progress reading so far, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    public Path workDir() {
        return workDir;
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("work dir ").append(workDir).append('\n');
        sb.append("torrent ").append(torrent.torrentFile()).append(" info hash ").append(torrent.infoHashHex())
                .append(", ").append(torrent.pieceCount()).append(" pieces of ").append(torrent.pieceLength()).append(" B\n");
        for (SwarmTracker t : trackers) {
            sb.append("tracker ").append(t).append('\n');
        }
        for (SwarmPeer p : peers) {
            sb.append(p.role()).append(' ').append(p).append(" log ").append(p.log()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        List<AutoCloseable> toClose;
        synchronized (closeables) {
            toClose = new ArrayList<>(closeables);
            closeables.clear();
        }
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c, e);
            }
        }
    }

    private static Path nodeModules() {
        String configured = System.getProperty("btda.node.modules");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("btda.repo.root", ".")).resolve(".cache/node/node_modules").normalize();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static InetSocketAddress peer(String literal) {
        return new InetSocketAddress(ip(literal), PEER_PORT);
    }
}
