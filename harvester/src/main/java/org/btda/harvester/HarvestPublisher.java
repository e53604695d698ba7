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
import org.btda.events.HarvestRequest;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.TorrentRegistered;
import org.btda.events.TorrentSource;
import org.btda.harvester.schedule.TrackerOutcome;
import org.btda.harvester.tracker.AnnounceResponse;
import org.btda.protocol.metainfo.Metainfo;

/**
 * Turns torrents and tracker outcomes into events: TorrentRegistered, one PeerDiscovered per accepted peer, one
 * HarvestRequest per announce or scrape. Runs on the scheduler thread (RecentPeers is not thread-safe).
 */
public final class HarvestPublisher {
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
                .setSource(TorrentSource.FILE)
                .setOrigin(file.getFileName().toString())
                .setMonitored(monitored)
                .setEventTime(clock.instant())
                .build();
        sink.send(topics.torrents(), m.infoHash().hex(), e);
        if (!monitored) {
            recent.forget(m.infoHash().hex());
        }
    }

    public void outcome(TrackerOutcome o) {
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
                    announced(ih, o, o.announce(), r);
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
    }

    private void announced(String ih, TrackerOutcome o, AnnounceResponse a, HarvestRequest.Builder r) {
        long now = clock.millis();
        int fresh = 0;
        int dup = 0;
        Set<InetSocketAddress> inThisResponse = new HashSet<>();
        for (InetSocketAddress p : a.peers()) {
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
                    .setSource(PeerSource.TRACKER)
                    .setTracker(o.tracker().toString())
                    .setDiscoveredAt(clock.instant())
                    .build();
            sink.send(topics.discovered(), PeerRefs.key(ih, key), d);
            stats.peersPublished.incrementAndGet();
        }
        stats.peersNew.addAndGet(fresh);
        r.setPeersReceived(a.peers().size()).setPeersNew(fresh).setDuplicates(dup)
                .setSeeders(a.seeders()).setLeechers(a.leechers());
    }
}
