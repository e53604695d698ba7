package org.btda.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.btda.common.kafka.PeerRefs;
import org.btda.events.ConfirmedDownload;
import org.btda.events.FileDownload;
import org.btda.events.codec.FilePiecesCodec;
import org.btda.events.TorrentFile;
import org.btda.events.ContactRequest;
import org.btda.events.Discovery;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-peer state machine. Discoveries and observations of one peer arrive on co-partitioned topics with the
 * same key, so one task owns a peer and every rule below runs single-threaded against its state.
 * Contact requests are issued by a wall-clock punctuation scanning the due store in due-time order. When a peer is
 * contacted is decided by {@link RevisitPolicy}; this class reads and writes the stores and forwards the records.
 */
final class PeerProcessor implements Processor<String, Object, String, Object> {
    private static final Logger log = LoggerFactory.getLogger(PeerProcessor.class);
    private static final int MAX_TEXT = 256;

    private final StreamsSettings cfg;
    private final RevisitPolicy policy;
    private final EndpointVault vault;
    private ProcessorContext<String, Object> ctx;
    private KeyValueStore<String, PeerState> peers;
    private KeyValueStore<String, String> due;
    private KeyValueStore<String, TorrentRegistered> torrents;

    PeerProcessor(StreamsSettings cfg, EndpointVault vault) {
        this.cfg = cfg;
        this.policy = cfg.revisitPolicy();
        this.vault = vault;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.ctx = context;
        this.peers = context.getStateStore(BtdaTopology.PEER_STORE);
        this.due = context.getStateStore(BtdaTopology.DUE_STORE);
        this.torrents = context.getStateStore(BtdaTopology.TORRENT_STORE);
        context.schedule(cfg.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::issueDue);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.key() == null || record.value() == null) return;     // nothing to key state by; tombstones carry nothing
        if (record.value() instanceof PeerDiscovered d) onDiscovery(record.key(), d);
        else if (record.value() instanceof Observation o) onObservation(record.key(), o);
        else log.warn("ignoring unexpected {}", record.value().getClass().getName());
    }

    private void onDiscovery(String key, PeerDiscovered d) {
        long now = ctx.currentSystemTimeMs();
        PeerState s = peers.get(key);
        boolean isNew = s == null;
        if (isNew) {
            s = new PeerState();
            s.firstSource = d.getSource().ordinal();
            s.firstSeenAt = d.getDiscoveredAt().toEpochMilli();
        } else {
            s.duplicates++;
        }
        s.discoveries++;
        s.sourcesMask |= 1 << d.getSource().ordinal();
        if (s.sealedEndpoint == null) s.sealedEndpoint = vault.seal(d.getEndpoint());
        // opted in: a peer that was found but never reached has its address too, not only those that answered
        if (cfg.storeAddresses() && s.address == null) s.address = PeerEnrichment.address(d.getEndpoint());
        ctx.forward(new Record<>(key, discoveryRow(d, isNew), now), BtdaTopology.DISCOVERIES_SINK);
        apply(key, s, policy.afterDiscovery(s, now), now);
        emitSummary(key, s, now);
    }

    private void onObservation(String key, Observation o) {
        long now = ctx.currentSystemTimeMs();
        long at = o.getObservedAt().toEpochMilli();
        PeerState s = peers.get(key);
        if (s == null) {                      // incoming peer never discovered by a harvester
            s = new PeerState();
            s.firstSource = o.getSource().ordinal();
            s.firstSeenAt = at;
        }
        s.sourcesMask |= 1 << o.getSource().ordinal();
        // opted in: an incoming peer whose only session failed still has its address
        if (cfg.storeAddresses() && s.address == null) s.address = PeerEnrichment.clip(o.getAddress());
        if (s.sealedEndpoint == null && o.getSealedEndpoint() != null) s.sealedEndpoint = bytes(o.getSealedEndpoint());
        if (o.getTotalPieces() > 0) {
            s.totalPieces = o.getTotalPieces();
            s.pieceLength = o.getPieceLength();
        } else {
            fillTorrent(o.getInfoHash(), s);
        }
        if (o.getSuccess()) {
            s.contacts++;
            Integer pieces = o.getPieces();
            if (s.firstContactAt < 0 || at < s.firstContactAt) {
                s.firstContactAt = at;
                s.firstPieces = pieces;
            }
            if (at >= s.lastContactAt) {
                s.lastContactAt = at;
                s.lastPieces = pieces;
                s.identity = o.getIdentity().ordinal();
                PeerEnrichment.apply(s, o, true, cfg.storeAddresses());
            } else {
                PeerEnrichment.apply(s, o, false, cfg.storeAddresses());
            }
            if (pieces != null && pieces >= 0) {
                PeerHistory.Change c = PeerHistory.add(s, at, pieces, cfg);
                if (c.confirmationChanged()) {
                    ctx.forward(new Record<>(key, confirmedRow(o.getInfoHash(), o.getPeerKey(), s), now),
                            BtdaTopology.CONFIRMED_SINK);
                }
                if (o.getFilePieces() != null) fileProgress(key, o, s, at, now);
            }
        } else {
            s.failures++;
        }
        RevisitPolicy.Decision next = policy.afterObservation(s, o.getRequestId(), o.getSuccess(), o.getFailure(), at, now);
        if (next.kind() != RevisitPolicy.Kind.UNCHANGED) s.outstandingRequestId = null;    // answered
        apply(key, s, next, now);
        emitSummary(key, s, now);
    }

    /** Carries out a decision of the {@link RevisitPolicy} on the due store and {@code s} (stored by the caller). */
    private void apply(String key, PeerState s, RevisitPolicy.Decision d, long now) {
        s.consecutiveFailures = d.consecutiveFailures();
        switch (d.kind()) {
            case CONTACT_NOW -> {
                s.parked = false;
                issue(key, s, now, d.at(), d.attempt());
            }
            case REVISIT_AT, BACK_OFF_UNTIL -> schedule(key, s, d.at(), d.attempt());
            case PARK -> {
                s.parked = true;
                unschedule(key, s);
            }
            case DONE -> unschedule(key, s);
            case UNCHANGED -> { }
        }
    }

    /** Wall-clock punctuation: issues every request whose due time has come, earliest first, bounded per call. */
    private void issueDue(long now) {
        List<KeyValue<String, String>> ready = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.range(DueKeys.lowest(), DueKeys.upTo(now))) {
            while (it.hasNext() && ready.size() < cfg.maxRequestsPerPunctuate()) ready.add(it.next());
        }
        for (KeyValue<String, String> e : ready) {
            due.delete(e.key);
            String key = DueKeys.peerRef(e.key);       // the value is empty (older releases stored the ref again)
            PeerState s = peers.get(key);
            if (s == null || !s.scheduled() || !e.key.equals(DueKeys.of(s.dueAt, key))) continue;    // superseded by a later reschedule
            RevisitPolicy.Decision d = policy.due(s);
            s.dueAt = -1;
            issue(key, s, now, d.at(), d.attempt());
            peers.put(key, s);
        }
    }

    /**
     * Sends a contact request now, or reschedules when it cannot be sent yet. A fallback revisit is scheduled at the
     * same time, so a request whose observation is lost is repeated instead of forgotten; it is due only once any
     * session for this request is over ({@link RevisitPolicy#afterContact}), and until then nothing else issues a
     * request for the peer (the request stays outstanding). Changes only {@code s}: the
     * caller stores it (once, with everything else the record changed).
     */
    private void issue(String key, PeerState s, long now, long dueAt, int attempt) {
        String infoHash, peerKey;
        try {
            infoHash = PeerRefs.infoHash(key);
            peerKey = PeerRefs.peerKey(key);
        } catch (IllegalArgumentException e) {
            log.warn("malformed peer ref, not contacting: {}", e.getMessage());
            unschedule(key, s);
            return;
        }
        TorrentRegistered t = torrents.get(infoHash);
        boolean monitored = t == null || t.getMonitored();     // unknown yet counts as monitored: it may be registered later
        if (monitored) fillTorrent(t, s);
        RevisitPolicy.Decision d = policy.beforeContact(s, monitored, now, attempt);
        if (d.kind() != RevisitPolicy.Kind.CONTACT_NOW) {
            apply(key, s, d, now);
            return;
        }
        PeerEndpoint endpoint;
        try {
            endpoint = vault.unseal(s.sealedEndpoint);
        } catch (RuntimeException e) {                     // sealed under another secret: unusable, forget it
            log.warn("cannot unseal endpoint of a peer of {}: {}", infoHash, e.toString());
            s.sealedEndpoint = null;
            unschedule(key, s);
            return;
        }
        ContactRequest req = ContactRequest.newBuilder()
                .setId(requestId())
                .setInfoHash(infoHash)
                .setPeerKey(peerKey)
                .setEndpoint(endpoint)
                .setDueAt(java.time.Instant.ofEpochMilli(dueAt))
                .setAttempt(attempt)
                .setSource(PeerSource.values()[s.firstSource])
                .setTotalPieces(s.totalPieces)
                .setPieceLength(s.pieceLength)
                .build();
        ctx.forward(new Record<>(key, req, now), BtdaTopology.CONTACTS_SINK);
        s.outstandingRequestId = req.getId();
        apply(key, s, policy.afterContact(s, now, attempt), now);
    }

    /**
     * A random (version 4) UUID from the thread's fast generator: request ids must be unique, not unguessable, and
     * {@link UUID#randomUUID()}'s SecureRandom was a measurable cost per request.
     */
    static String requestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;                       // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }

    private void fillTorrent(String infoHash, PeerState s) {
        if (s.totalPieces > 0) return;
        fillTorrent(torrents.get(infoHash), s);
    }

    private static void fillTorrent(TorrentRegistered t, PeerState s) {
        if (s.totalPieces > 0) return;
        if (t != null && t.getPieceCount() > 0) {
            s.totalPieces = t.getPieceCount();
            s.pieceLength = t.getPieceLength();
        }
    }

    private void schedule(String key, PeerState s, long dueAt, int attempt) {
        unschedule(key, s);
        due.put(DueKeys.of(dueAt, key), "");   // the key holds the peer ref already; "", not null (a tombstone)
        s.dueAt = dueAt;
        s.nextAttempt = attempt;
    }

    private void unschedule(String key, PeerState s) {
        if (s.scheduled()) due.delete(DueKeys.of(s.dueAt, key));
        s.dueAt = -1;
    }

    private void emitSummary(String key, PeerState s, long now) {
        s.summaryVersion++;
        peers.put(key, s);
        int sep = key.indexOf(':');
        List<PeerSource> sources = new ArrayList<>();
        for (PeerSource src : PeerSource.values()) if ((s.sourcesMask & (1 << src.ordinal())) != 0) sources.add(src);
        PeerSummary.Builder b = PeerSummary.newBuilder()
                .setInfoHash(sep > 0 ? key.substring(0, sep) : key)
                .setPeerKey(sep > 0 ? key.substring(sep + 1) : "")
                .setIdentity(IdentityKind.values()[s.identity])
                .setFirstSource(PeerSource.values()[s.firstSource])
                .setSources(sources)
                .setFirstSeenAt(java.time.Instant.ofEpochMilli(s.firstSeenAt))
                .setDiscoveries(s.discoveries)
                .setDuplicates(s.duplicates)
                .setFirstContactAt(s.firstContactAt < 0 ? null : java.time.Instant.ofEpochMilli(s.firstContactAt))
                .setFirstPieces(s.firstPieces)
                .setLastContactAt(s.lastContactAt < 0 ? null : java.time.Instant.ofEpochMilli(s.lastContactAt))
                .setLastPieces(s.lastPieces)
                .setTotalPieces(s.totalPieces)
                .setPieceLength(s.pieceLength)
                .setMaxSpeedBps(s.maxSpeedBps)
                .setContacts(s.contacts)
                .setFailures(s.failures)
                .setConsecutiveFailures(s.consecutiveFailures)
                .setParked(s.parked)
                .setConfirmedAt(s.confirmed() ? java.time.Instant.ofEpochMilli(s.crossedAt) : null)
                .setNextContactAt(s.dueAt < 0 ? null : java.time.Instant.ofEpochMilli(s.dueAt))
                .setUpdatedAt(java.time.Instant.ofEpochMilli(now))
                .setVersion(s.summaryVersion);
        PeerSummary row = PeerEnrichment.fill(b, s).build();
        ctx.forward(new Record<>(key, row, now), BtdaTopology.PEERS_SINK);
    }

    /**
     * Per-file progress of a multi-file torrent: file downloads that are new or corrected go to
     * {@code btda.file-downloads}. An observation whose file count differs from the state's (a corrupt event) or exceeds
     * {@link FileProgress#MAX_FILES} only counts for the whole torrent.
     */
    private void fileProgress(String key, Observation o, PeerState s, long at, long now) {
        int[] runs;
        try {
            runs = FilePiecesCodec.decode(o.getFilePieces());
        } catch (IllegalArgumentException e) {
            return;                 // malformed counts: the observation still counts for the whole torrent
        }
        int files = FileProgress.fileCount(runs);
        if (files < 1 || files > FileProgress.MAX_FILES) return;
        if (s.files == null) s.files = new FileProgress(files);
        else if (s.files.fileCount() != files) return;
        List<FileProgress.Crossing> crossings = s.files.add(at, runs, cfg::atOrAbove);
        if (crossings.isEmpty()) return;
        TorrentRegistered t = torrents.get(o.getInfoHash());
        List<TorrentFile> named = t == null || t.getFiles() == null || t.getFiles().size() != files ? null : t.getFiles();
        for (FileProgress.Crossing c : crossings) {
            TorrentFile f = named == null ? null : named.get(c.file());
            FileDownload row = FileDownload.newBuilder()
                    .setInfoHash(o.getInfoHash())
                    .setPeerKey(o.getPeerKey())
                    .setFileIndex(c.file())
                    .setFilePath(f == null ? null : clipPath(f.getPath()))
                    .setFileSize(f == null ? null : f.getSize())
                    .setFilePieces(c.filePieces())
                    .setClient(s.client)
                    .setCrossedAt(java.time.Instant.ofEpochMilli(c.crossedAt()))
                    .setLastBelowAt(java.time.Instant.ofEpochMilli(c.lastBelowAt()))
                    .setThreshold(cfg.completionThreshold())
                    .setVersion(c.version())
                    .build();
            ctx.forward(new Record<>(key, row, now), BtdaTopology.FILE_DOWNLOADS_SINK);
        }
    }

    private ConfirmedDownload confirmedRow(String infoHash, String peerKey, PeerState s) {
        return ConfirmedDownload.newBuilder()
                .setInfoHash(infoHash)
                .setPeerKey(peerKey)
                .setClient(s.client)
                .setCrossedAt(java.time.Instant.ofEpochMilli(s.crossedAt))
                .setLastBelowAt(java.time.Instant.ofEpochMilli(s.lastBelowAt))
                .setPiecesBelow(s.piecesBelow)
                .setPiecesAtCrossing(s.piecesAtCrossing)
                .setTotalPieces(s.totalPieces)
                .setThreshold(cfg.completionThreshold())
                .setVersion(s.confirmedVersion)
                .build();
    }

    private Discovery discoveryRow(PeerDiscovered d, boolean isNew) {
        // '<partition>-<offset>' of the input record: stable across reprocessing, so the sink can de-duplicate on it
        String id = ctx.recordMetadata().map(PeerProcessor::position).orElseGet(() -> UUID.randomUUID().toString());
        return Discovery.newBuilder()
                .setId(id)
                .setInfoHash(d.getInfoHash())
                .setPeerKey(d.getPeerKey())
                .setSource(d.getSource())
                .setTracker(d.getTracker() == null ? null : clip(d.getTracker()))
                .setDiscoveredAt(d.getDiscoveredAt())
                .setIsNew(isNew)
                .build();
    }

    private static String position(RecordMetadata m) {
        return m.partition() + "-" + m.offset();
    }

    /** File paths are kept longer than other text, but a hostile torrent's 100 KB path is not carried along. */
    private static String clipPath(String s) {
        return s.length() <= 4096 ? s : s.substring(0, 4096);
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

}
