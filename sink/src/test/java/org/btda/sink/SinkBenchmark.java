package org.btda.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.btda.sink.clickhouse.LocalClickHouse;

/**
 * Benchmark of the ClickHouse sink alone (a command that prints figures, never a test): an in-process broker, a real
 * local ClickHouse, no topology. Run through {@code scripts/bench-streams.sh sink}.
 *
 * <ol>
 *   <li>throughput: RECORDS observations and RECORDS peer summaries (for PEERS distinct peers, so a batch holds
 *       several versions of some peers, as {@code out.peers} does) are produced first; then the sink starts and the
 *       figure is input records/s from its first to its last committed batch, with its rows checked in ClickHouse;</li>
 *   <li>latency: RATE observations/s plus as many peer summaries/s; for every SAMPLE_EVERY-th observation the time
 *       from the send call to its row being visible in {@code btda.observations}.</li>
 * </ol>
 * Bounded: each phase has a deadline; the whole run stops at 5 minutes.
 */
public final class SinkBenchmark {
    private static final int RECORDS = Integer.getInteger("bench.sink.records", 300_000);
    private static final int PEERS = Integer.getInteger("bench.sink.peers", 100_000);
    private static final int RATE = Integer.getInteger("bench.sink.rate", 10_000);
    private static final int LATENCY_S = Integer.getInteger("bench.sink.latency-seconds", 45);
    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 6);
    private static final int SAMPLE_EVERY = 100;
    /**
     * Sampled observations (and their peer summaries) carry this info hash, so the latency poll reads only its granules
     * instead of scanning the whole table several times a second; -Dbench.sink.probe-torrent=false samples ordinary
     * observations and scans the table, as this benchmark did at first.
     */
    private static final String PROBE = Boolean.parseBoolean(System.getProperty("bench.sink.probe-torrent", "true")) ? "f".repeat(40) : null;
    private static final int TORRENTS = 100;
    private static final int PIECES = 2000;
    private static final BenchRun RUN = new BenchRun(Duration.ofMinutes(5));
    /** JVM (and its sink threads) and ClickHouse server CPU per phase; set once ClickHouse runs. */
    private static BenchRun.CpuMeter cpu;

    private static final AvroSerde<Observation> OBS = AvroSerde.of(Observation.class);
    private static final AvroSerde<PeerSummary> PEER = AvroSerde.of(PeerSummary.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final long[] versions = new long[PEERS];

    private SinkBenchmark(KafkaProducer<String, byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    public static void main(String[] args) throws Exception {
        log("records %,d (+ as many peer summaries over %,d peers), latency %,d obs/s for %d s, partitions %d, batch %s, %d cores, "
                        + "latency poll %s", RECORDS, PEERS, RATE, LATENCY_S, PARTITIONS, System.getProperty("bench.batch-size", "default"),
                Runtime.getRuntime().availableProcessors(), PROBE != null ? "of the probe torrent" : "scanning the table");
        TestKafka kafka = TestKafka.start();
        LocalClickHouse ch = LocalClickHouse.create();
        try {
            ch.start();
            cpu = new BenchRun.CpuMeter("ClickHouse", ch.pid()).threads("sink", "clickhouse-sink");
            run(kafka, ch);
        } finally {
            ch.destroy();
            kafka.close();
        }
        log("done in %d s", RUN.elapsedMs() / 1000);
        System.exit(0);       // ClickHouse client / Kafka leftovers must not keep the JVM alive
    }

    private static void run(TestKafka kafka, LocalClickHouse ch) throws Exception {
        java.util.Properties pp = KafkaClients.producer(kafka.bootstrapServers(), "sink-bench-producer");
        pp.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), (t, v) -> (byte[]) v)) {
            throughput(kafka, ch, producer);
            if (LATENCY_S > 0 && !RUN.overLimit()) latency(kafka, ch, producer);
        }
    }

    private static Settings settings(TestKafka kafka, String prefix) {
        Settings s = Settings.defaults().with("kafka.topic-prefix", prefix).with("kafka.partitions", String.valueOf(PARTITIONS))
                .with("kafka.bootstrap-servers", kafka.bootstrapServers())
                .with("clickhouse.flush-interval", System.getProperty("bench.flush-interval", "1s"));
        String batch = System.getProperty("bench.batch-size");
        if (batch != null) s = s.with("clickhouse.batch-size", batch);
        TestTopics.createTopics(kafka, new Topics(KafkaConfig.from(s)));
        return s;
    }

    private static void throughput(TestKafka kafka, LocalClickHouse ch, KafkaProducer<String, byte[]> producer) throws Exception {
        Settings settings = settings(kafka, "sbt.");
        SinkBenchmark b = new SinkBenchmark(producer, new Topics(KafkaConfig.from(settings)));
        long t0 = System.nanoTime();
        for (int i = 0; i < RECORDS; i++) {
            int peer = ThreadLocalRandom.current().nextInt(PEERS);
            b.sendPair(peer, Instant.now(), false);
        }
        producer.flush();
        log("produced %,d observations + %,d peer summaries in %.1f s, errors %d", RECORDS, RECORDS, (System.nanoTime() - t0) / 1e9,
                b.sendErrors.get());

        ClickHouseSinkService service = new ClickHouseSinkService(ch.sinkConfig(settings));
        Map<String, Long> phaseStart = serverEvents(ch);
        cpu.mark();
        service.start();
        ClickHouseSink sink = service.sink();
        long total = 2L * RECORDS;
        long firstAt = 0, firstRecords = 0, lastAt = 0, lastRecords = 0;
        long deadline = System.currentTimeMillis() + 180_000;
        long lastLog = System.currentTimeMillis();
        long lastLogged = 0;
        try {
            while (System.currentTimeMillis() < deadline && !RUN.overLimit()) {
                Thread.sleep(20);
                long r = sink.recordsCommitted();
                long now = System.currentTimeMillis();
                if (r > 0 && firstAt == 0) { firstAt = now; firstRecords = r; }
                if (r != lastRecords) { lastRecords = r; lastAt = now; }
                if (now - lastLog >= 5000) {
                    log("  %,d records committed (%,.0f/s over the last %.1f s), rows inserted %,d", r, (r - lastLogged) * 1000.0 / (now - lastLog),
                            (now - lastLog) / 1000.0, sink.rowsInserted());
                    lastLog = now;
                    lastLogged = r;
                }
                if (r >= total) break;
            }
            String cpuReport = cpu.report(sink.rowsInserted());
            long obsRows, peerRows;
            try (Connection c = ch.connect(); Statement st = c.createStatement()) {
                obsRows = count(st, "SELECT count() FROM btda.observations");
                peerRows = count(st, "SELECT count() FROM btda.peers");
            }
            double s = (lastAt - firstAt) / 1000.0;
            log("SINK THROUGHPUT: %,d of %,d input records committed; %,.0f records/s from the first to the last committed batch "
                            + "(%.1f s; %,d batches); rows inserted %,d (observations %,d, peers %,d in ClickHouse, %,d distinct peers sent)%s",
                    lastRecords, total, s > 0 ? (lastRecords - firstRecords) * 1.0 / s : 0, s, sink.batchesCommitted(), sink.rowsInserted(),
                    obsRows, peerRows, b.distinctPeers(), lastRecords >= total ? "" : "  (NOT complete)");
            log("  sink thread time: %s; insert failures %d", sink.timings(), sink.insertFailures());
            log("SINK THROUGHPUT %s (JVM: sink + in-process broker serving it)", cpuReport);
            serverBreakdown(ch, phaseStart);
        } finally {
            service.close();
        }
    }

    private static void latency(TestKafka kafka, LocalClickHouse ch, KafkaProducer<String, byte[]> producer) throws Exception {
        Settings settings = settings(kafka, "sbl.");
        SinkBenchmark b = new SinkBenchmark(producer, new Topics(KafkaConfig.from(settings)));
        ClickHouseSinkService service = new ClickHouseSinkService(ch.sinkConfig(settings));
        service.start();
        Thread.sleep(3000);          // consumer group joined: the first samples do not measure the join
        Map<String, Long> phaseStart = serverEvents(ch);
        long rowsAtStart = service.sink().rowsInserted();
        cpu.mark();
        log("latency: %,d observations/s + %,d peer summaries/s for %d s, every %d-th observation sampled", RATE, RATE, LATENCY_S, SAMPLE_EVERY);
        Map<String, Long> pending = new ConcurrentHashMap<>();
        List<Long> lat = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong samples = new AtomicLong();
        Thread p = new Thread(() -> {
            long t0 = System.nanoTime();
            long sent = 0;
            long total = (long) RATE * LATENCY_S;
            while (sent < total && !RUN.overLimit()) {
                long due = (System.nanoTime() - t0) * RATE / 1_000_000_000L;
                if (sent >= due) { BenchRun.sleep(2); continue; }
                while (sent < due && sent < total) {
                    long sentAt = System.currentTimeMillis();
                    String id = b.sendPair(ThreadLocalRandom.current().nextInt(PEERS), Instant.now(), sent % SAMPLE_EVERY == 0);
                    if (sent % SAMPLE_EVERY == 0) {
                        pending.put(id, sentAt);
                        samples.incrementAndGet();
                    }
                    sent++;
                }
            }
            producing.set(false);
        }, "bench-paced-producer");
        p.start();
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            long stopAt = Long.MAX_VALUE;
            while (System.currentTimeMillis() < stopAt && !RUN.overLimit()) {
                if (!producing.get() && stopAt == Long.MAX_VALUE) stopAt = System.currentTimeMillis() + 30_000;
                if (!producing.get() && pending.isEmpty()) break;
                Thread.sleep(100);
                BenchRun.pollObservations(st, pending, lat, PROBE);
            }
        } finally {
            producing.set(false);
            p.join();
            ClickHouseSink sink = service.sink();
            log("SINK LATENCY %s (JVM: sink + producer + in-process broker; ClickHouse: inserts, merges and the latency polls)",
                    cpu.report(sink.rowsInserted() - rowsAtStart));
            serverBreakdown(ch, phaseStart);
            log("  sink: %,d rows inserted, %d batches, %d insert failures; thread time: %s", sink.rowsInserted(), sink.batchesCommitted(),
                    sink.insertFailures(), sink.timings());
            service.close();
        }
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        int missing = pending.size();
        if (a.length == 0) { log("SINK LATENCY: no sample seen (%d missing)", missing); return; }
        long[] all = Arrays.copyOf(a, a.length + missing);        // unseen samples count as slower than every seen one
        Arrays.fill(all, a.length, all.length, Long.MAX_VALUE);
        log("SINK LATENCY observation sent -> btda.observations row visible: samples %,d of %,d (%d not seen within 30 s after the end): "
                        + "p50 %s ms  p90 %s ms  p99 %s ms  max %s ms (poll interval ~100 ms included)", a.length, samples.get(), missing,
                BenchRun.pct(all, 0.50), BenchRun.pct(all, 0.90), BenchRun.pct(all, 0.99), missing > 0 ? "inf" : String.valueOf(a[a.length - 1]));
    }

    /**
     * One observation of the peer and its next peer summary version, as the topology would emit; returns the request id.
     * A sampled pair carries the {@link #PROBE} info hash when there is one.
     */
    private String sendPair(int peer, Instant at, boolean sampled) {
        String id = "s" + seq.incrementAndGet();
        String ih = sampled && PROBE != null ? PROBE : infoHash(peer);
        Observation o = Observation.newBuilder().setRequestId(id).setInfoHash(ih).setPeerKey(BenchRun.peerKey(peer))
                .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(at).setSource(PeerSource.TRACKER).setSuccess(true)
                .setPieces(ThreadLocalRandom.current().nextInt(PIECES * 9 / 10)).setTotalPieces(PIECES).setPieceLength(256 * 1024)
                .setClient("Transmission 4.0.5").setMessagesReceived(2).setSessionMs(1500).setLongestGapMs(1000).build();
        long version;
        synchronized (versions) {
            version = ++versions[peer];
        }
        PeerSummary s = PeerSummary.newBuilder().setInfoHash(ih).setPeerKey(BenchRun.peerKey(peer)).setIdentity(IdentityKind.LISTEN_PORT)
                .setFirstSource(PeerSource.TRACKER).setSources(List.of(PeerSource.TRACKER)).setFirstSeenAt(at.minusSeconds(3600))
                .setDiscoveries(1).setDuplicates(0).setFirstContactAt(at.minusSeconds(3600)).setFirstPieces(1).setLastContactAt(at)
                .setLastPieces(o.getPieces()).setTotalPieces(PIECES).setPieceLength(256 * 1024).setMaxSpeedBps(1000 * version)
                .setContacts((int) version).setFailures(0).setConsecutiveFailures(0).setParked(false).setUpdatedAt(at)
                .setVersion(version).setClient("Transmission 4.0.5").build();
        String ref = ih + ":" + BenchRun.peerKey(peer);
        send(topics.observations(), ref, OBS.serialize(null, o));
        send(topics.outPeers(), ref, PEER.serialize(null, s));
        return id;
    }

    private long distinctPeers() {
        long n = 0;
        for (long v : versions) if (v > 0) n++;
        return n;
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null) sendErrors.incrementAndGet();
        });
    }


    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }


    /** What {@link #serverBreakdown} reports: cumulative ProfileEvents of the server (chdb keeps no query_log/part_log). */
    private static final List<String> SERVER_EVENTS = List.of("UserTimeMicroseconds", "SystemTimeMicroseconds",
            "InsertQuery", "InsertQueryTimeMicroseconds", "InsertedRows", "InsertedBytes", "SelectQuery", "SelectQueryTimeMicroseconds",
            "SelectedRows", "Merge", "MergedRows", "MergesTimeMilliseconds", "MergeTotalMilliseconds", "MergeExecuteMilliseconds",
            "MergeTreeDataWriterRows", "MergeTreeDataWriterCompressedBytes", "MergeTreeDataWriterSortingBlocksMicroseconds",
            "MergeTreeDataWriterMergingBlocksMicroseconds");

    /** The server's cumulative ProfileEvents (system.events) now. */
    private static Map<String, Long> serverEvents(LocalClickHouse ch) {
        Map<String, Long> m = new java.util.HashMap<>();
        try (Connection c = ch.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT event, value FROM system.events")) {
            while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
        } catch (Exception e) {
            log("  (no server events: %s)", e.getMessage());
        }
        return m;
    }

    /** Server-side breakdown of a phase: deltas of selected ProfileEvents since {@code at}. */
    private static void serverBreakdown(LocalClickHouse ch, Map<String, Long> at) {
        Map<String, Long> now = serverEvents(ch);
        String d = SERVER_EVENTS.stream().filter(now::containsKey)
                .map(e -> String.format("%s %,d", e, now.get(e) - at.getOrDefault(e, 0L))).collect(Collectors.joining(", "));
        log("  server events: %s", d);
    }

    private static final String[] INFO_HASHES = java.util.stream.IntStream.range(0, TORRENTS)
            .mapToObj(t -> String.format("%040x", 0x5b7da000L + t)).toArray(String[]::new);

    private static String infoHash(int peer) {
        return INFO_HASHES[peer % TORRENTS];
    }




    static void log(String fmt, Object... args) {
        RUN.log(fmt, args);
    }
}
