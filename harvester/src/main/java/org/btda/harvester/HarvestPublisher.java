package org.btda.harvester;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.btda.common.identity.PeerKeys;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.Topics;
import org.btda.common.net.PeerFilter;
import org.btda.events.HarvestKind;
import org.btda.events.HarvestRequest;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.TorrentFile;
import org.btda.events.TorrentRegistered;
import org.btda.protocol.metainfo.FileEntry;
import org.btda.events.TorrentSource;
import org.btda.harvester.schedule.DhtOutcome;
import org.btda.harvester.schedule.TrackerOutcome;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.tracker.AnnounceResponse;

/**
 * Turns torrents and tracker outcomes into events: TorrentRegistered, one PeerDiscovered per accepted peer, one
 * HarvestRequest per announce, scrape, DHT lookup or metadata fetch. Runs on the scheduler thread (RecentPeers is not thread-safe).
 */
public final class HarvestPublisher {
    /** HarvestRequest target of DHT lookups (the schema says: tracker URL, or 'dht'). */
    public static final String DHT_TARGET = "dht";
    /** HarvestRequest target of magnet metadata fetches (BEP 9 ut_metadata from peers). */
    public static final String METADATA_TARGET = "ut_metadata";
    private final RecordSink sink;
    private final Topics topics;
    private final PeerKeys keys;
    private final PeerFilter filter;
    private final RecentPeers recent;
    private final HarvesterStats stats;
    private final Clock clock;

    public HarvestPublisher(RecordSink sink, Topics topics, PeerKeys keys, PeerFilter filter, RecentPeers recent,
            HarvesterStats stats, Clock clock) {
        this.sink = sink;
        this.topics = topics;
        this.keys = keys;
        this.filter = filter;
        this.recent = recent;
        this.stats = stats;
        this.clock = clock;
    }

    public void torrent(Metainfo m, Path file, boolean monitored) {
        torrent(m, TorrentSource.FILE, file.getFileName().toString(), monitored);
    }

    /** TorrentRegistered for a torrent from a .torrent file or a resolved magnet ({@code origin}: file or display name). */
    public void torrent(Metainfo m, TorrentSource source, String origin, boolean monitored) {
        List<List<String>> tiers = new ArrayList<>();
        for (List<String> t : m.announceTiers()) {
            tiers.add(new ArrayList<>(t));
        }
        TorrentRegistered e = TorrentRegistered.newBuilder()
                .setInfoHash(m.infoHash().hex())
                .setName(m.name())
                .setPieceLength(m.pieceLength())
                .setPieceCount(m.pieceCount())
                .setTotalSize(m.totalSize())
                .setFileCount(m.files().size())
                .setPrivate$(m.isPrivate())
                .setTrackers(tiers)
                .setSource(source)
                .setOrigin(origin)
                .setMonitored(monitored)
                .setEventTime(clock.instant())
                .setFiles(files(m))
                .build();
        sink.send(topics.torrents(), m.infoHash().hex(), e);
        if (!monitored) {
            recent.forget(m.infoHash().hex());
        }
    }

    /** Torrents with more files than this are registered without their file list (no per-file figures for them). */
    static final int MAX_REGISTERED_FILES = 10_000;
    /** ... or with more path text than this, so that one registration stays far below Kafka's message size. */
    static final int MAX_REGISTERED_PATH_CHARS = 512 * 1024;

    /** The metainfo's file list, in its order (a file's index there is its index everywhere), or empty when too big. */
    static List<TorrentFile> files(Metainfo m) {
        if (m.files().size() > MAX_REGISTERED_FILES) return List.of();
        List<TorrentFile> out = new ArrayList<>(m.files().size());
        long chars = 0;
        for (FileEntry f : m.files()) {
            String path = String.join("/", f.path());
            chars += path.length();
            if (chars > MAX_REGISTERED_PATH_CHARS) return List.of();
            out.add(new TorrentFile(path, f.length(), f.padding()));
        }
        return out;
    }

    /** Publishes one announce or scrape; returns the peers accepted (published) from an announce. */
    public List<InetSocketAddress> outcome(TrackerOutcome o) {
        List<InetSocketAddress> accepted = new ArrayList<>();
        String ih = o.infoHash().hex();
        HarvestRequest.Builder r = HarvestRequest.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setInfoHash(ih)
                .setKind(o.kind())
                .setTarget(o.tracker().toString())
                .setStartedAt(o.startedAt())
                .setDurationMs(o.durationMs())
                .setPeersReceived(0)
                .setPeersNew(0)
                .setDuplicates(0)
                .setError(o.error());
        switch (o.kind()) {
            case ANNOUNCE -> {
                stats.announces.incrementAndGet();
                if (o.announce() != null) {
                    accepted = announced(ih, o, o.announce(), r);
                } else {
                    stats.announceErrors.incrementAndGet();
                }
            }
            case SCRAPE -> {
                stats.scrapes.incrementAndGet();
                if (o.scrape() != null) {
                    r.setSeeders(o.scrape().seeders()).setLeechers(o.scrape().leechers()).setCompleted(o.scrape().completed());
                } else {
                    stats.scrapeErrors.incrementAndGet();
                }
            }
            default -> throw new IllegalArgumentException("unexpected kind " + o.kind());
        }
        sink.send(topics.harvestRequests(), ih, r.build());
        return accepted;
    }

    private List<InetSocketAddress> announced(String ih, TrackerOutcome o, AnnounceResponse a, HarvestRequest.Builder r) {
        PeerBatch b = peers(ih, a.peers(), PeerSource.TRACKER, o.tracker().toString());
        r.setPeersReceived(a.peers().size()).setPeersNew(b.fresh).setDuplicates(b.dup)
                .setSeeders(a.seeders()).setLeechers(a.leechers());
        return b.accepted;
    }

    /** One HarvestRequest (DHT_LOOKUP, target "dht") per lookup and a PeerDiscovered (source DHT) per accepted peer. */
    public List<InetSocketAddress> dht(DhtOutcome o) {
        String ih = o.infoHash().hex();
        stats.dhtLookups.incrementAndGet();
        if (o.error() != null) {
            stats.dhtLookupErrors.incrementAndGet();
        }
        PeerBatch b = peers(ih, o.peers(), PeerSource.DHT, null);
        HarvestRequest r = HarvestRequest.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setInfoHash(ih)
                .setKind(HarvestKind.DHT_LOOKUP)
                .setTarget(DHT_TARGET)
                .setStartedAt(o.startedAt())
                .setDurationMs(o.durationMs())
                .setNodesQueried(o.nodesQueried())
                .setPeersReceived(o.peers().size())
                .setPeersNew(b.fresh)
                .setDuplicates(b.dup)
                .setError(o.error())
                .build();
        sink.send(topics.harvestRequests(), ih, r);
        return b.accepted;
    }

    /** Peers named by a magnet link's {@code x.pe}: published with source MAGNET; returns those accepted. */
    public List<InetSocketAddress> magnetPeers(InfoHash h, List<InetSocketAddress> peers) {
        return peers(h.hex(), peers, PeerSource.MAGNET, null).accepted;
    }

    /** One HarvestRequest (METADATA) per magnet resolution attempt. */
    public void metadata(MetadataOutcome o) {
        stats.metadataAttempts.incrementAndGet();
        if (o.error() != null) {
            stats.metadataErrors.incrementAndGet();
        }
        String ih = o.infoHash().hex();
        HarvestRequest r = HarvestRequest.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setInfoHash(ih)
                .setKind(HarvestKind.METADATA)
                .setTarget(METADATA_TARGET)
                .setStartedAt(o.startedAt())
                .setDurationMs(o.durationMs())
                .setPeersReceived(o.candidates())
                .setPeersNew(0)
                .setDuplicates(0)
                .setError(o.error())
                .build();
        sink.send(topics.harvestRequests(), ih, r);
    }

    /** Accepted peers of one response and how many were new / repeated. */
    private record PeerBatch(List<InetSocketAddress> accepted, int fresh, int dup) {
    }

    /** Filters, de-duplicates and publishes peers from one source (same rules whatever the source). */
    private PeerBatch peers(String ih, List<InetSocketAddress> peers, PeerSource source, String tracker) {
        long now = clock.millis();
        int fresh = 0;
        int dup = 0;
        List<InetSocketAddress> accepted = new ArrayList<>();
        Set<InetSocketAddress> inThisResponse = new HashSet<>();
        for (InetSocketAddress p : peers) {
            switch (filter.check(p)) {
                case SELF -> {
                    stats.filteredSelf.incrementAndGet();
                    continue;
                }
                case DO_NOT_CONTACT -> {
                    stats.filteredDoNotContact.incrementAndGet();
                    continue;
                }
                default -> { }
            }
            if (!inThisResponse.add(p)) {
                dup++;
                continue; // a tracker listing a peer twice: publish it once
            }
            accepted.add(p);
            if (recent.observe(ih, p, now)) {
                fresh++;
            } else {
                dup++;
            }
            String key = keys.key(ih, p.getAddress(), p.getPort());
            PeerDiscovered d = PeerDiscovered.newBuilder()
                    .setInfoHash(ih)
                    .setPeerKey(key)
                    .setEndpoint(PeerEndpoint.newBuilder().setAddress(ByteBuffer.wrap(p.getAddress().getAddress())).setPort(p.getPort()).build())
                    .setSource(source)
                    .setTracker(tracker)
                    .setDiscoveredAt(clock.instant())
                    .build();
            sink.send(topics.discovered(), PeerRefs.key(ih, key), d);
            stats.peersPublished.incrementAndGet();
        }
        stats.peersNew.addAndGet(fresh);
        return new PeerBatch(accepted, fresh, dup);
    }
}
