package org.btda.evaluator.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.btda.common.config.Settings;
import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.contact.ContactEngine;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.ContactTarget;
import org.btda.evaluator.contact.TransportMode;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.evaluator.utp.UtpSocketConfig;
import org.btda.events.FailureReason;

/**
 * Drives the contact engine directly (no Kafka) against the synthetic swarm, keeping sessions in flight at the ceiling,
 * and prints contacts/s, p50/p99 session time, peak concurrency and peak memory. Bounded: warm-up + measured seconds.
 * Every result is also checked against what the swarm's peer was scripted to do.
 *
 * <p>Usage: {@code EngineBench [peers=60000] [measureSeconds=60] [warmupSeconds=15] [maxSessions=14000] [maxDialRate=3000]}
 */
public final class EngineBench {

    private static final int HIST_MS = 120_000;

    public static void main(String[] args) throws Exception {
        int peers = arg(args, 0, 60_000);
        int measure = arg(args, 1, 60);
        int warmup = arg(args, 2, 15);
        int maxSessions = arg(args, 3, 14_000);
        int maxDialRate = arg(args, 4, 3_000); // dials/s: a real evaluator's intake is bounded by Kafka, not a SYN burst

        // the product defaults (network.timeout 6 s, session cap, max messages), with a higher session ceiling
        // btda.bench.encryption (the script's ENCRYPTION): e.g. encrypted-only measures MSE contacts
        // btda.bench.settings (the script's SETTINGS): "key=value,key=value" over the defaults, to measure a setting
        Settings settings = Settings.defaults().with("evaluator.encryption",
                System.getProperty("btda.bench.encryption", "learn"));
        for (String kv : System.getProperty("btda.bench.settings", "").split(",")) {
            if (kv.isBlank()) continue;
            int eq = kv.indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("btda.bench.settings: expected key=value, got " + kv);
            settings = settings.with(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        EvaluatorConfig cfg = EvaluatorConfig.from(settings).withMaxSessions(maxSessions);
        EvaluatorStats stats = new EvaluatorStats();
        AtomicLongArray sessionHist = new AtomicLongArray(HIST_MS / 10 + 1);
        LongAdder measured = new LongAdder();
        LongAdder mismatches = new LongAdder();
        Map<String, LongAdder> outcomes = new TreeMap<>();
        for (FailureReason r : FailureReason.values()) outcomes.put(r.name(), new LongAdder());
        outcomes.put("SUCCESS", new LongAdder());
        Map<SwarmMix.Behaviour, LongAdder> byBehaviour = new EnumMap<>(SwarmMix.Behaviour.class);
        for (SwarmMix.Behaviour b : SwarmMix.Behaviour.values()) byBehaviour.put(b, new LongAdder());
        AtomicLong peakInFlight = new AtomicLong();

        System.out.printf("engine bench: %d peers, quiet %s, connect timeout %s, piece grace %s, max sessions %d, max dial rate %d/s, warm-up %d s, measure %d s, max heap %d MB, io %s, contacts over %s, encryption %s%n",
                peers, cfg.quietTimeout(), cfg.connectTimeout(), cfg.pieceGrace(), maxSessions, maxDialRate, warmup, measure,
                Runtime.getRuntime().maxMemory() >> 20, org.btda.evaluator.contact.Transports.epoll() ? "epoll" : "nio", cfg.transport(),
                cfg.encryption());
        Semaphore permits = new Semaphore(maxSessions);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(measure);
        long completedAtStart = -1;
        CpuTicks cpuAtStart = null;
        // a uTP socket as a dialling evaluator has it (unless evaluator.transport=tcp), sized like the product's to the
        // sessions in flight: auto pays for its retries over uTP (with the swarm on TCP only they end in uTP's connect
        // timeout); utp carries every contact over it
        boolean overUtp = cfg.transport() == TransportMode.UTP;
        UtpSocket utp = cfg.transport() == TransportMode.TCP ? null
                : new UtpSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0), UtpSocketConfig.DEFAULT.forSessions(maxSessions));
        try (utp; ContactEngine engine = new ContactEngine(cfg, stats, a -> false, utp)) {
            int next = 0;
            long dialled = 0;
            long lastReport = start;
            long lastCompleted = 0;
            while (System.nanoTime() < measureTo) {
                long allowed = (System.nanoTime() - start) * maxDialRate / 1_000_000_000L;
                if (dialled >= allowed) {
                    Thread.sleep(1);
                } else if (!permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    // at the ceiling: fall through to reporting
                } else {
                    dialled++;
                    int peer = next;
                    next = (next + 1) % peers;
                    ContactTarget t = new ContactTarget(SwarmMix.INFO_HASH, SwarmMix.endpoint(peer), SwarmMix.TOTAL_PIECES);
                    engine.contact(t).whenComplete((r, e) -> {
                        permits.release();
                        long now = System.nanoTime();
                        if (r == null) return;
                        if (now >= measureFrom && now < measureTo) {
                            measured.increment();
                            sessionHist.incrementAndGet((int) Math.min(r.sessionMillis(), HIST_MS) / 10);
                            outcomes.get(r.success() ? "SUCCESS" : r.failure().name()).increment();
                            byBehaviour.get(SwarmMix.behaviour(peer)).increment();
                        }
                        if (!expected(peer, r, overUtp)) mismatches.increment();
                    });
                }
                peakInFlight.accumulateAndGet(stats.inFlight(), Math::max);
                long now = System.nanoTime();
                if (completedAtStart < 0 && now >= measureFrom) {
                    completedAtStart = stats.completed();
                    cpuAtStart = CpuTicks.read();
                }
                if (now - lastReport >= TimeUnit.SECONDS.toNanos(5)) {
                    long c = stats.completed();
                    System.out.printf("t=%3ds in-flight=%5d completed=%7d rate=%6.0f/s heap=%4d MB%n",
                            TimeUnit.NANOSECONDS.toSeconds(now - start), stats.inFlight(), c,
                            (c - lastCompleted) * 1e9 / (now - lastReport), usedHeapMb());
                    lastReport = now;
                    lastCompleted = c;
                }
            }
            CpuTicks cpuAtEnd = CpuTicks.read();
            double seconds = measure;
            System.out.println("---- results (measured window only) ----");
            System.out.printf("contacts completed in window: %d over %d s = %.0f contacts/s%n", measured.sum(), measure,
                    measured.sum() / seconds);
            System.out.printf("peak sessions in flight: %d (engine peak %d)%n", peakInFlight.get(), stats.peakInFlight());
            System.out.printf("session time p50 = %d ms, p99 = %d ms%n", percentile(sessionHist, 0.50), percentile(sessionHist, 0.99));
            StringBuilder o = new StringBuilder("outcomes:");
            outcomes.forEach((k, v) -> { if (v.sum() > 0) o.append(' ').append(k).append('=').append(v.sum()); });
            System.out.println(o);
            StringBuilder b = new StringBuilder("by scripted behaviour:");
            byBehaviour.forEach((k, v) -> b.append(' ').append(k).append('=').append(v.sum()));
            System.out.println(b);
            System.out.printf("results not matching the peer's script (whole run): %d%n", mismatches.sum());
            if (utp != null) System.out.printf("uTP socket (whole run): %s%n", utp.counters());
            System.out.printf("peak heap used: %d MB (max heap %d MB); peak RSS: %s%n", peakHeapMb(),
                    Runtime.getRuntime().maxMemory() >> 20, vmHwm());
            System.out.println("wire counters: unknown msgs=" + engine.wireCounters().unknownMessages());
            if (cpuAtStart != null && measured.sum() > 0) System.out.println(cpuAtEnd.since(cpuAtStart, measured.sum(), measure));
            System.out.printf("process cpu time: %d s over %d s wall; host load average %.1f%n", cpuSeconds(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** What peer i's script must produce. */
    static boolean expected(int peer, ContactResult r, boolean overUtp) {
        if (overUtp) {
            switch (SwarmMix.behaviour(peer)) {
                // uTP has no RST: the scripted abort is a FIN before the peer's handshake
                case RESET -> { return r.failure() == FailureReason.NO_HANDSHAKE || r.failure() == FailureReason.RESET; }
                // nobody answers on the closed UDP port: the ICMP error is not read, so the SYN times out
                case REFUSE -> { return r.failure() == FailureReason.CONNECT_TIMEOUT || r.failure() == FailureReason.REFUSED; }
                default -> { }
            }
        }
        return switch (SwarmMix.behaviour(peer)) {
            case BITFIELD -> r.success() && r.pieces() != null && r.pieces() == SwarmMix.initialPieces(peer);
            // the contact ends evaluator.piece-grace after the bitfield: the haves sent by then count, later ones not
            case SLOW_HAVES -> r.success() && r.pieces() != null && r.pieces() >= SwarmMix.initialPieces(peer)
                    && r.pieces() <= SwarmMix.initialPieces(peer) + SwarmMix.HAVES;
            case SILENT -> r.failure() == FailureReason.NO_HANDSHAKE;
            case REFUSE -> r.failure() == FailureReason.REFUSED;
            case RESET -> r.failure() == FailureReason.RESET;
        };
    }

    static long percentile(AtomicLongArray hist, double q) {
        long total = 0;
        for (int i = 0; i < hist.length(); i++) total += hist.get(i);
        long target = (long) Math.ceil(total * q);
        long seen = 0;
        for (int i = 0; i < hist.length(); i++) {
            seen += hist.get(i);
            if (seen >= target && total > 0) return i * 10L;
        }
        return -1;
    }

    static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum >> 20;
    }

    static String vmHwm() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    static long cpuSeconds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000_000L : -1;
    }

    static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }
}
