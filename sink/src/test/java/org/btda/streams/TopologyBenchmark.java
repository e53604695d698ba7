package org.btda.streams;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerSource;
import org.btda.sink.BenchRun;
import org.btda.sink.ClickHouseSinkService;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Benchmark of the stream processor (a command that prints figures, never a test): an in-process broker, the
 * production {@link StreamProcessorService} (exactly_once_v2) and, for the latency phase, the ClickHouse sink against
 * a real local ClickHouse. Run through {@code scripts/bench-streams.sh}.
 *
 * <ol>
 *   <li>preload: PEERS discoveries, then one observation per peer, produced as fast as possible; waits until the
 *       topology committed all of them;</li>
 *   <li>throughput: observations of random known peers at full speed from a separate producer thread (held back only
 *       when more than MAX_LAG records are unprocessed, so the producer does not just fill the disk); the figure is the
 *       rate of input offsets the topology committed (transactionally) on {@code observations};</li>
 *   <li>latency: LATENCY_RATE observations/s with the sink running; for every SAMPLE_EVERY-th observation the time
 *       from the send call to its row being visible in {@code btda.observations} (the sink's path) and to the peer's
 *       {@code btda.peers} row reflecting it (the topology's path: observation → state → out.peers → sink);</li>
 *   <li>state size: RocksDB directories of the stores per peer after a clean close, and the serialized PeerState.</li>
 * </ol>
 * Every phase is bounded in record count and time; the whole run stops at 10 minutes.
 *
 * <p>In the sink module, which runs downstream of the stream processor, so the stream processor never depends on its
 * consumer; in package {@code org.btda.streams} for package-private topology code ({@code StreamProcessorService
 * .registeredTorrent}, {@code PeerStateSerde}, the store names in {@code BtdaTopology}) and {@code TopologyFixture}.
 */
public final class TopologyBenchmark {
    private static final int PEERS = Integer.getInteger("bench.peers", 1_000_000);
    private static final int TORRENTS = 100;
    private static final int PIECES = 2000;
    /**
     * {@code -Dbench.files=N}: every torrent has N files (default 0: single-file, no per-file counts, as before) and
     * every observation carries its per-file counts (Observation v5). File i has 1 + i % 3 pieces, repeated to fill
     * PIECES, so no two neighbouring files are alike and the run-length form has one run per file: the heaviest form.
     * Each peer's piece count then grows by 0-59 per observation, files completing in order.
     */
    private static final int FILES = Integer.getInteger("bench.files", 0);
    private static final int[] FILE_PIECES = filePieces(FILES);
    /**
     * With files, each peer's piece count only grows (a real downloader's does): random counts would move every file
     * back and forth across its threshold and turn each observation into hundreds of corrected file downloads.
     */
    private final java.util.concurrent.atomic.AtomicIntegerArray progress =
            new java.util.concurrent.atomic.AtomicIntegerArray(FILES > 0 ? PEERS : 0);
    private static final long PIECE_LENGTH = 256 * 1024;
    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 6);
    private static final int WARMUP_S = Integer.getInteger("bench.warmup-seconds", 10);
    private static final int THROUGHPUT_S = Integer.getInteger("bench.throughput-seconds", 60);
    private static final int LATENCY_S = Integer.getInteger("bench.latency-seconds", 60);
    private static final int LATENCY_RATE = Integer.getInteger("bench.latency-rate", 10_000);
    private static final int SAMPLE_EVERY = 100;
    private static final long MAX_LAG = 300_000;
    private static final BenchRun RUN = new BenchRun(Duration.ofMinutes(10));

    private static final AvroSerde<Observation> OBS = AvroSerde.of(Observation.class);
    private static final AvroSerde<PeerDiscovered> DISC = AvroSerde.of(PeerDiscovered.class);

    private final Topics topics;
    private final Admin admin;
    private final String appId;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong seq = new AtomicLong();

    private TopologyBenchmark(Topics topics, Admin admin, KafkaProducer<String, byte[]> producer) {
        this.topics = topics;
        this.admin = admin;
        this.appId = topics.prefix() + "stream-processor";
        this.producer = producer;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("btda-sbench-");
        log("work dir %s, heap max %d MB, %d cores, peers %,d, partitions %d", work,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), PEERS, PARTITIONS);
        TestKafka kafka = TestKafka.start();
        try {
            run(kafka, work);
        } finally {
            kafka.close();
            deleteQuietly(work);
        }
        log("done in %d s", RUN.elapsedMs() / 1000);
        System.exit(0);       // ClickHouse client / Kafka leftovers must not keep the JVM alive
    }

    private static void run(TestKafka kafka, Path work) throws Exception {
        Settings settings = Settings.defaults().with("kafka.topic-prefix", "bench.")
                .with("kafka.partitions", String.valueOf(PARTITIONS))
                .with("kafka.bootstrap-servers", kafka.bootstrapServers())
                .with("clickhouse.flush-interval", System.getProperty("bench.flush-interval", "1s"))
                // no revisit falls due during the run: the phases measure the observations they produce, not a burst of
                // a million revisit requests five minutes after the preload
                .with("revisit.delay", System.getProperty("bench.revisit-delay", "1h"));
        Topics topics = new Topics(KafkaConfig.from(settings));
        for (TopicSpec spec : topics.all()) kafka.createTopic(spec.newTopic());

        java.util.Properties pp = KafkaClients.producer(kafka.bootstrapServers(), "bench-producer");
        pp.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), (t, v) -> (byte[]) v);
        TopologyBenchmark b = new TopologyBenchmark(topics, kafka.admin(), producer);

        Path stateDir = Files.createDirectory(work.resolve("state"));
        StreamProcessorService service = new StreamProcessorService(StreamsSettings.from(settings), kafka.bootstrapServers(), stateDir, TopologyFixture.vault());
        service.start();
        if (!service.awaitRunning(Duration.ofSeconds(60))) throw new IllegalStateException("topology not RUNNING: " + service.state());
        for (int t = 0; t < TORRENTS; t++) {
            TestTopics.send(producer, topics.torrents(), infoHash(t), TopologyFixture.torrent(infoHash(t), PIECES, PIECE_LENGTH, true));
        }
        producer.flush();
        for (int t = 0; t < TORRENTS; t++) {       // the global torrent store must hold them before the first discovery
            KafkaTestSupport.awaitTorrent(service, infoHash(t), Duration.ofSeconds(60));
        }

        b.preload();
        ThreadCpu cpu = new ThreadCpu(-1);
        b.throughput(cpu);
        boolean closed = false;
        if (LATENCY_S > 0) {
            LocalClickHouse ch = LocalClickHouse.create();
            try {
                b.latency(settings, kafka, ch);
            } finally {
                service.close();
                closed = true;
                ch.destroy();
            }
        }
        if (!closed) service.close();
        b.stateSize(stateDir, kafka);
        producer.close(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------- phases

    private void preload() throws Exception {
        log("preload: %,d discoveries then %,d observations, full speed", PEERS, PEERS);
        long t0 = System.nanoTime();
        Instant now = Instant.now();
        for (int i = 0; i < PEERS; i++) {
            PeerDiscovered d = TopologyFixture.discovery(infoHash(i % TORRENTS), BenchRun.peerKey(i), PeerSource.TRACKER, i & 0xff, now);
            send(topics.discovered(), ref(i), DISC.serialize(null, d));
        }
        for (int i = 0; i < PEERS; i++) send(topics.observations(), ref(i), OBS.serialize(null, observation(i, Instant.now())));
        producer.flush();
        double produceS = (System.nanoTime() - t0) / 1e9;
        log("preload produced %,d records in %.1f s (%,.0f/s), errors %d", 2L * PEERS, produceS, 2 * PEERS / produceS, sendErrors.get());
        long deadline = System.currentTimeMillis() + 300_000;
        long last = -1;
        while (System.currentTimeMillis() < deadline && !RUN.overLimit()) {
            long d = committed(topics.discovered()), o = committed(topics.observations());
            if (d >= PEERS && o >= PEERS) break;
            if (d + o != last) log("  preload committed: discoveries %,d  observations %,d", d, o);
            last = d + o;
            Thread.sleep(5000);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long d = committed(topics.discovered()), o = committed(topics.observations());
        log("PRELOAD: %,d discoveries + %,d observations through the topology in %.1f s = %,.0f input records/s%s",
                d, o, s, (d + o) / s, d >= PEERS && o >= PEERS ? "" : "  (NOT caught up)");
    }

    private void throughput(ThreadCpu cpu) throws Exception {
        if (RUN.overLimit()) { log("THROUGHPUT: skipped, run time limit reached"); return; }
        log("throughput: full-speed observations of random peers for %d s warm-up + %d s measured", WARMUP_S, THROUGHPUT_S);
        AtomicLong committedNow = new AtomicLong(committed(topics.observations()));
        long base = acked.get();
        long producedBase = committedNow.get();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong produced = new AtomicLong();
        Thread p = new Thread(() -> {
            while (!stop.get()) {
                // held back only when far ahead of the topology: "full speed" without an unbounded backlog
                if (producedBase + produced.get() - committedNow.get() > MAX_LAG) { BenchRun.sleep(5); continue; }
                for (int k = 0; k < 500; k++) {
                    int peer = ThreadLocalRandom.current().nextInt(PEERS);
                    send(topics.observations(), ref(peer), OBS.serialize(null, observation(peer, Instant.now())));
                }
                produced.addAndGet(500);
            }
        }, "bench-producer");
        p.start();
        long end = System.currentTimeMillis() + (WARMUP_S + THROUGHPUT_S) * 1000L;
        long mStart = System.currentTimeMillis() + WARMUP_S * 1000L;
        long c0 = -1, t0 = 0, ackedAt0 = 0;
        List<Double> perWindow = new ArrayList<>();
        long wc = -1, wt = 0;
        while (System.currentTimeMillis() < end && !RUN.overLimit()) {
            Thread.sleep(500);
            long now = System.currentTimeMillis();
            long c = committed(topics.observations());
            committedNow.set(c);
            if (c0 < 0 && now >= mStart) {
                c0 = c; t0 = now; ackedAt0 = acked.get(); wc = c; wt = now;
                cpu.mark();
            } else if (c0 >= 0 && now - wt >= 5000) {
                double r = (c - wc) * 1000.0 / (now - wt);
                perWindow.add(r);
                log("  %,.0f obs/s committed (lag %,d)", r, producedBase + produced.get() - c);
                wc = c; wt = now;
            }
        }
        long c1 = committed(topics.observations());
        long t1 = System.currentTimeMillis();
        long ackedAt1 = acked.get();
        stop.set(true);
        p.join();
        producer.flush();
        if (c0 < 0) { log("THROUGHPUT: no measurement window"); return; }
        double rate = (c1 - c0) * 1000.0 / (t1 - t0);
        log("THROUGHPUT: %,.0f observations/s committed by the topology over %.1f s (exactly_once_v2, %,d peers of state); "
                        + "producer acked %,.0f/s; 5 s windows min %,.0f max %,.0f; lag at end %,d",
                rate, (t1 - t0) / 1000.0, PEERS, (ackedAt1 - ackedAt0) * 1000.0 / (t1 - t0),
                perWindow.stream().mapToDouble(x -> x).min().orElse(0), perWindow.stream().mapToDouble(x -> x).max().orElse(0),
                producedBase + produced.get() - c1);
        double us = cpu.processCpuMicrosPer(c1 - c0);
        log("  JVM CPU %.1f us per committed observation (broker + topology + producers + GC) -> at most %,.0f obs/s if the JVM had "
                + "both cores to itself", us, 2e6 / us);
        cpu.report(t1 - t0);
        log("(sent %,d observations in this phase, send errors %d)", acked.get() - base, sendErrors.get());
    }

    private void latency(Settings settings, TestKafka kafka, LocalClickHouse ch) throws Exception {
        if (RUN.overLimit()) { log("LATENCY: skipped, run time limit reached"); return; }
        // the latency phase starts from a caught-up topology, so its figure is not the throughput phase's backlog
        long deadline = System.currentTimeMillis() + 120_000;
        long target = offsetsSum(topics.observations());
        while (committed(topics.observations()) < target && System.currentTimeMillis() < deadline && !RUN.overLimit()) Thread.sleep(1000);
        log("latency: topology caught up (lag %,d); starting ClickHouse", target - committed(topics.observations()));
        ch.start();
        // the sink starts at the current end of its topics: measured is the steady state, not a catch-up of millions of rows
        String group = topics.prefix() + "clickhouse-sink";
        List<String> sinkTopics = List.of(topics.torrents(), topics.observations(), topics.harvestRequests(),
                topics.confirmedDownloads(), StreamTopics.outPeers(topics), StreamTopics.outDiscoveries(topics));
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (String t : sinkTopics) for (var e : endOffsets(t).entrySet()) start.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
        admin.alterConsumerGroupOffsets(group, start).all().get();
        ClickHouseSinkService sink = new ClickHouseSinkService(ch.sinkConfig(settings));
        sink.start();
        log("latency: %,d observations/s for %d s, every %d-th sampled (sink batch %d, flush %s)", LATENCY_RATE, LATENCY_S, SAMPLE_EVERY,
                settings.get(Settings.CLICKHOUSE_BATCH_SIZE), settings.get(Settings.CLICKHOUSE_FLUSH_INTERVAL));

        Map<String, Long> obsPending = new ConcurrentHashMap<>();           // request id -> sent at
        Map<String, long[]> peerPending = new ConcurrentHashMap<>();        // peer key -> {sent at, observed at}
        List<Long> obsLat = new ArrayList<>(), peerLat = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        Set<Integer> sampledPeers = ConcurrentHashMap.newKeySet();
        ThreadCpu cpu = new ThreadCpu(ch.pid());
        cpu.mark();
        long phaseStart = System.currentTimeMillis();
        Thread p = new Thread(() -> {
            long t0 = System.nanoTime();
            long sent = 0;
            long total = (long) LATENCY_RATE * LATENCY_S;
            while (sent < total && !RUN.overLimit()) {
                long due = (System.nanoTime() - t0) * LATENCY_RATE / 1_000_000_000L;
                if (sent >= due) { BenchRun.sleep(2); continue; }
                while (sent < due && sent < total) {
                    int peer = ThreadLocalRandom.current().nextInt(PEERS);
                    // samples are peers of the probe torrent (0), so the polls read one torrent's primary-key range
                    // instead of scanning the whole table every 100 ms (ClickHouse CPU the topology would not pay)
                    if (sent % SAMPLE_EVERY == 0) peer -= peer % TORRENTS;
                    boolean sample = sent % SAMPLE_EVERY == 0 && sampledPeers.add(peer);
                    Instant at = Instant.now();
                    Observation o = observation(peer, at);
                    long sentAt = System.currentTimeMillis();
                    send(topics.observations(), ref(peer), OBS.serialize(null, o));
                    if (sample) {
                        obsPending.put(o.getRequestId(), sentAt);
                        peerPending.put(BenchRun.peerKey(peer), new long[] {sentAt, at.toEpochMilli()});
                    }
                    sent++;
                }
            }
            producing.set(false);
        }, "bench-paced-producer");
        p.start();
        long samples = 0;
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            long stopAt = Long.MAX_VALUE;
            while (System.currentTimeMillis() < stopAt && !RUN.overLimit()) {
                if (!producing.get() && stopAt == Long.MAX_VALUE) stopAt = System.currentTimeMillis() + 30_000;
                if (!producing.get() && obsPending.isEmpty() && peerPending.isEmpty()) break;
                Thread.sleep(100);
                BenchRun.pollObservations(st, obsPending, obsLat, infoHash(0));
                pollPeers(st, peerPending, peerLat);
            }
            samples = sampledPeers.size();
        } finally {
            producing.set(false);
            p.join();
            cpu.report(System.currentTimeMillis() - phaseStart);
            log("sink: %,d rows inserted, %d batches, %d insert failures", sink.sink().rowsInserted(), sink.sink().batchesCommitted(),
                    sink.sink().insertFailures());
            sink.close();
        }
        report("LATENCY observation -> btda.observations row", obsLat, obsPending.size(), samples);
        report("LATENCY observation -> btda.peers row reflects it (through the topology)", peerLat, peerPending.size(), samples);
    }


    private static void pollPeers(Statement st, Map<String, long[]> pending, List<Long> out) throws Exception {
        if (pending.isEmpty()) return;
        List<String> keys = pending.keySet().stream().limit(2000).toList();
        String in = keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(","));
        try (ResultSet rs = st.executeQuery("SELECT peer_key, toUnixTimestamp64Milli(max(last_seen_at)) FROM btda.peers WHERE info_hash = '" + infoHash(0)
                + "' AND peer_key IN ("
                + in + ") GROUP BY peer_key")) {
            long now = System.currentTimeMillis();
            while (rs.next()) {
                String k = rs.getString(1);
                long[] s = pending.get(k);
                if (s != null && rs.getLong(2) >= s[1]) {
                    pending.remove(k);
                    out.add(now - s[0]);
                }
            }
        }
    }

    private static void report(String what, List<Long> lat, int missing, long samples) {
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        if (a.length == 0) { log("%s: no sample seen (%d missing)", what, missing); return; }
        // samples never seen count as slower than every seen one, so p99 cannot look better than it is
        long[] all = Arrays.copyOf(a, a.length + missing);
        Arrays.fill(all, a.length, all.length, Long.MAX_VALUE);
        log("%s: samples %,d (of %,d, %d not seen within 30 s after the end): p50 %s ms  p90 %s ms  p99 %s ms  max %s ms "
                        + "(poll interval ~100 ms included)", what, a.length, samples, missing,
                BenchRun.pct(all, 0.50), BenchRun.pct(all, 0.90), BenchRun.pct(all, 0.99), missing > 0 ? "inf" : String.valueOf(a[a.length - 1]));
    }


    private void stateSize(Path stateDir, TestKafka kafka) throws Exception {
        Map<String, Long> byStore = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String store = storeOf(stateDir.relativize(f));
                byStore.merge(store, Files.size(f), Long::sum);
            }
        }
        long total = byStore.values().stream().mapToLong(Long::longValue).sum();
        log("STATE on disk after a clean close (RocksDB, flushed): total %,d bytes = %.1f bytes/peer", total, (double) total / PEERS);
        byStore.forEach((k, v) -> log("  %-12s %,14d bytes = %7.1f bytes/peer", k, v, (double) v / PEERS));

        long entries = 0, keyBytes = 0, valueBytes = 0, sampleCount = 0, maxValue = 0;
        RocksDB.loadLibrary();
        List<Path> dbs;
        try (Stream<Path> s = Files.walk(stateDir)) {
            dbs = s.filter(d -> d.getFileName().toString().equals(BtdaTopology.PEER_STORE) && Files.isDirectory(d)).toList();
        }
        for (Path db : dbs) {
            try (Options o = new Options()) {
                List<byte[]> cfs = RocksDB.listColumnFamilies(o, db.toString());
                List<ColumnFamilyDescriptor> desc = new ArrayList<>();
                for (byte[] cf : cfs) desc.add(new ColumnFamilyDescriptor(cf));
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                try (DBOptions dbo = new DBOptions(); RocksDB r = RocksDB.openReadOnly(dbo, db.toString(), desc, handles)) {
                    for (int i = 0; i < handles.size(); i++) {
                        if (!Arrays.equals(cfs.get(i), RocksDB.DEFAULT_COLUMN_FAMILY)) continue;
                        try (RocksIterator it = r.newIterator(handles.get(i))) {
                            for (it.seekToFirst(); it.isValid(); it.next()) {
                                byte[] v = it.value();
                                entries++;
                                keyBytes += it.key().length;
                                valueBytes += v.length;
                                maxValue = Math.max(maxValue, v.length);
                                sampleCount += PeerStateSerde.read(v).samples.size();
                            }
                        }
                    }
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        }
        if (entries > 0) {
            log("STATE serialized: %,d peer-state entries, key %.1f + PeerState value %.1f bytes/peer on average (max %d), "
                    + "%.2f samples/peer on average", entries, (double) keyBytes / entries, (double) valueBytes / entries, maxValue,
                    (double) sampleCount / entries);
        }
        try {
            Map<String, Long> changelog = new LinkedHashMap<>();
            var dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
            for (var d : dirs.values()) {
                for (var e : d.replicaInfos().entrySet()) {
                    String t = e.getKey().topic();
                    if (t.endsWith("-changelog")) changelog.merge(t.substring(appId.length() + 1), e.getValue().size(), Long::sum);
                }
            }
            changelog.forEach((t, v) -> log("  changelog %-28s %,14d bytes on the broker (not yet compacted) = %.1f bytes/peer", t, v, (double) v / PEERS));
        } catch (Exception e) {
            log("changelog sizes unavailable: %s", e);
        }
    }

    private static String storeOf(Path rel) {
        for (Path p : rel) {
            String n = p.toString();
            if (n.equals(BtdaTopology.PEER_STORE) || n.equals(BtdaTopology.DUE_STORE) || n.equals(BtdaTopology.TORRENT_STORE)) return n;
        }
        return "other";
    }

    // ---------------------------------------------------------------- helpers

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e == null) acked.incrementAndGet();
            else sendErrors.incrementAndGet();
        });
    }

    private Observation observation(int peer, Instant at) {
        int pieces = FILES > 0
                ? progress.updateAndGet(peer, p -> Math.min(PIECES, p + ThreadLocalRandom.current().nextInt(60)))
                : ThreadLocalRandom.current().nextInt(PIECES * 9 / 10);
        Observation.Builder b = Observation.newBuilder().setRequestId("b" + seq.incrementAndGet()).setInfoHash(infoHash(peer % TORRENTS))
                .setPeerKey(BenchRun.peerKey(peer)).setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(at).setSource(PeerSource.TRACKER)
                .setSuccess(true).setPieces(pieces).setTotalPieces(PIECES)
                .setPieceLength(PIECE_LENGTH).setClient("Transmission 4.0.5").setMessagesReceived(2).setSessionMs(1500)
                .setLongestGapMs(1000);
        if (FILES > 0) b.setFilePieces(fileRuns(pieces));
        return b.build();
    }

    /** Pieces per file: 1 + i % 3, the last file taking what is left of PIECES. */
    private static int[] filePieces(int files) {
        if (files <= 0) return new int[0];
        int[] out = new int[files];
        int left = PIECES;
        for (int i = 0; i < files; i++) {
            out[i] = i == files - 1 ? Math.max(1, left) : Math.min(1 + i % 3, Math.max(1, left - (files - 1 - i)));
            left -= out[i];
        }
        return out;
    }

    /** A peer that downloads in file order: the files before its piece count complete, one partial, the rest empty. */
    private static java.nio.ByteBuffer fileRuns(int pieces) {
        List<org.btda.events.codec.FilePiecesCodec.Run> runs = new java.util.ArrayList<>(FILES);
        int left = pieces;
        for (int total : FILE_PIECES) {
            int have = Math.max(0, Math.min(total, left));
            left -= have;
            runs.add(new org.btda.events.codec.FilePiecesCodec.Run(1, have, total));
        }
        return org.btda.events.codec.FilePiecesCodec.encode(runs);
    }

    /** Input records of the topic the topology committed (offsets are record counts: the producer is not transactional). */
    private long committed(String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (var e : m.entrySet()) if (e.getKey().topic().equals(topic) && e.getValue() != null) sum += e.getValue().offset();
        return sum;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        for (int i = 0; i < n; i++) req.put(new TopicPartition(topic, i), OffsetSpec.latest());
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(req).all().get().forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    private long offsetsSum(String topic) throws Exception {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    static String infoHash(int t) {
        return String.format("%040x", 0xb7da0000L + t);
    }


    static String ref(int i) {
        return infoHash(i % TORRENTS) + ":" + BenchRun.peerKey(i);
    }



    static void log(String fmt, Object... args) {
        RUN.log(fmt, args);
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }

    /** CPU time per thread group over the measured window, to see where the two cores go. */
    private static final class ThreadCpu {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> at = new HashMap<>();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final long clickHousePid;
        private long processCpuAt;
        private long childrenCpuAt;

        /** @param clickHousePid the ClickHouse host process (started with setsid: no child of this JVM), -1 = none */
        ThreadCpu(long clickHousePid) {
            this.clickHousePid = clickHousePid;
        }

        void mark() {
            processCpuAt = os.getProcessCpuTime();
            childrenCpuAt = childrenCpuNanos(clickHousePid);
            for (long id : mx.getAllThreadIds()) at.put(id, mx.getThreadCpuTime(id));
        }

        /** CPU time of this JVM (broker, topology, producer, GC) per committed observation: robust on a shared machine. */
        double processCpuMicrosPer(long records) {
            return records <= 0 ? 0 : (os.getProcessCpuTime() - processCpuAt) / 1e3 / records;
        }

        void report(long wallMs) {
            Map<String, Long> byGroup = new HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                var info = mx.getThreadInfo(id);
                long now = mx.getThreadCpuTime(id);
                if (info == null || now < 0) continue;
                long d = now - at.getOrDefault(id, 0L);
                byGroup.merge(group(info.getThreadName()), d, Long::sum);
            }
            long javaThreads = byGroup.values().stream().mapToLong(Long::longValue).sum();
            long process = os.getProcessCpuTime() - processCpuAt;
            log("  CPU (cores busy, averaged over the window): %s; JVM outside Java threads (GC, JIT, RocksDB) %.2f; "
                            + "ClickHouse process %.2f; load average %.2f",
                    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                            .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e6 / wallMs)).collect(Collectors.joining(", ")),
                    (process - javaThreads) / 1e6 / wallMs, (childrenCpuNanos(clickHousePid) - childrenCpuAt) / 1e6 / wallMs,
                    loadAverage());
        }

        /** The 1-minute load average (the MXBean's CPU load reads 0 between two close calls). */
        private static double loadAverage() {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }

        /** CPU of the ClickHouse host process and its children. */
        private static long childrenCpuNanos(long pid) {
            if (pid < 0) return 0;
            return ProcessHandle.of(pid).stream().flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
                    .mapToLong(h -> h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
        }

        private static String group(String name) {
            if (name.startsWith("clickhouse-sink")) return "sink";
            if (name.contains("kafka-producer-network-thread") && name.contains("StreamThread")) return "streams-producer-io";
            if (name.contains("StreamThread")) return "stream-thread";
            if (name.startsWith("bench")) return "bench-producer";
            if (name.contains("producer-network")) return "bench-producer-io";
            if (name.startsWith("data-plane") || name.contains("request-handler") || name.contains("kafka-network")
                    || name.contains("broker") || name.contains("Processor")) return "broker";
            return "other";
        }
    }
}
