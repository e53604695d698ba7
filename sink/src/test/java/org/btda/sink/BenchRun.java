package org.btda.sink;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the sink and stream-processor benchmarks share: a run bounded in time, timestamped output, percentiles, latency
 * polls on btda.observations, CPU meters. In the sink's test-jar because both benchmarks end in ClickHouse.
 */
public final class BenchRun {
    private final long start = System.currentTimeMillis();
    private final long limitMs;

    public BenchRun(Duration limit) {
        this.limitMs = limit.toMillis();
    }

    /** Benchmarks stop themselves: every loop checks this. */
    public boolean overLimit() {
        return elapsedMs() > limitMs;
    }

    public long elapsedMs() {
        return System.currentTimeMillis() - start;
    }

    public void log(String fmt, Object... args) {
        System.out.printf("[%6.1fs] %s%n", elapsedMs() / 1000.0, String.format(fmt, args));
        System.out.flush();
    }

    /** The q-quantile of sorted samples; Long.MAX_VALUE stands for a sample never seen. */
    public static String pct(long[] sorted, double q) {
        long v = sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        return v == Long.MAX_VALUE ? "inf" : String.valueOf(v);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code String.format("%032x", i)} for i >= 0, without the formatter (benchmarks call it per record). */
    public static String peerKey(int i) {
        String hex = Integer.toHexString(i);
        return "0".repeat(32 - hex.length()) + hex;
    }

    /** Moves every sampled request id now visible in btda.observations from {@code pending} (id → send time) to latencies. */
    public static void pollObservations(Statement st, Map<String, Long> pending, List<Long> out) throws Exception {
        pollObservations(st, pending, out, null);
    }

    /**
     * As {@link #pollObservations(Statement, Map, List)}, for sampled observations that all carry {@code infoHash}
     * (null: any). Without it every poll reads request_id of the whole table (about 40 ms of ClickHouse CPU per
     * 800,000 rows, at several polls a second a fifth of a core on a loaded machine); with it the sorting key (info_hash
     * first) limits the read to that torrent's granules.
     */
    public static void pollObservations(Statement st, Map<String, Long> pending, List<Long> out, String infoHash) throws Exception {
        if (pending.isEmpty()) return;
        List<String> ids = pending.keySet().stream().limit(2000).toList();
        String in = ids.stream().map(i -> "'" + i + "'").collect(Collectors.joining(","));
        String where = infoHash == null ? "" : "info_hash = '" + infoHash + "' AND ";
        try (ResultSet rs = st.executeQuery("SELECT request_id FROM btda.observations WHERE " + where + "request_id IN (" + in + ")")) {
            long now = System.currentTimeMillis();
            while (rs.next()) {
                Long sent = pending.remove(rs.getString(1));
                if (sent != null) out.add(now - sent);
            }
        }
    }

    /**
     * CPU used over a phase by this JVM and by other processes, per row and as cores busy. {@link #mark()} starts a
     * phase, {@link #report(long)} describes the time since the last mark; call both from one thread. The other
     * processes are the pids given (e.g. {@code LocalClickHouse#pid()}: the server is started with setsid, so it is
     * not a descendant of this JVM) plus every descendant of this JVM. Optional thread groups ({@link #threads})
     * single out part of the JVM (e.g. the sink's threads, apart from the in-process broker and producers).
     * Process figures come from /proc (10 ms ticks): phases of a few seconds or more.
     *
     * <pre>
     * BenchRun.CpuMeter cpu = new BenchRun.CpuMeter("ClickHouse", ch.pid()).threads("sink", "clickhouse-sink");
     * cpu.mark();
     * ... run the phase ...
     * log("CPU: %s", cpu.report(rowsInserted));
     * // CPU over 30.0 s, 600,000 rows: JVM 20.1 µs/row (0.40 cores) [sink 9.9 µs/row (0.20 cores)]; ClickHouse ...
     * </pre>
     */
    public static final class CpuMeter {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        private final String othersLabel;
        private final long[] otherPids;
        private final List<String[]> threadGroups = new ArrayList<>();   // {label, thread name prefix}
        private long wallAt;
        private long jvmAt;
        private Map<Long, Long> othersAt = Map.of();
        private final List<Map<Long, Long>> groupsAt = new ArrayList<>();

        /** @param othersLabel how the other processes are called in the report (e.g. "ClickHouse") */
        public CpuMeter(String othersLabel, long... otherPids) {
            this.othersLabel = othersLabel;
            this.otherPids = otherPids.clone();
            mark();
        }

        /** Also reports the JVM threads whose name starts with {@code namePrefix} (threads that end early lose their time). */
        public CpuMeter threads(String label, String namePrefix) {
            threadGroups.add(new String[] {label, namePrefix});
            groupsAt.add(threadCpu(namePrefix));
            return this;
        }

        /** Starts a (new) phase now. */
        public void mark() {
            wallAt = System.nanoTime();
            jvmAt = OS.getProcessCpuTime();
            othersAt = otherCpu();
            for (int i = 0; i < threadGroups.size(); i++) groupsAt.set(i, threadCpu(threadGroups.get(i)[1]));
        }

        /** CPU since the last mark, as µs per row (when {@code rows} > 0) and as cores busy. */
        public String report(long rows) {
            double wallS = (System.nanoTime() - wallAt) / 1e9;
            long jvm = OS.getProcessCpuTime() - jvmAt;
            long others = delta(othersAt, otherCpu());
            StringBuilder b = new StringBuilder(String.format("CPU over %.1f s, %,d rows: JVM %s", wallS, rows, figure(jvm, rows, wallS)));
            for (int i = 0; i < threadGroups.size(); i++) {
                long g = delta(groupsAt.get(i), threadCpu(threadGroups.get(i)[1]));
                b.append(String.format(" [%s threads %s]", threadGroups.get(i)[0], figure(g, rows, wallS)));
            }
            b.append(String.format("; %s %s; together %s", othersLabel, figure(others, rows, wallS), figure(jvm + others, rows, wallS)));
            return b.toString();
        }

        private static String figure(long cpuNanos, long rows, double wallS) {
            String perRow = rows > 0 ? String.format("%.1f µs/row", cpuNanos / 1e3 / rows) : "- µs/row";
            return String.format("%s (%.2f cores)", perRow, wallS > 0 ? cpuNanos / 1e9 / wallS : 0.0);
        }

        /** Per process or thread: CPU now minus CPU at the mark (0 for one that started since). */
        private static long delta(Map<Long, Long> at, Map<Long, Long> now) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : now.entrySet()) sum += e.getValue() - at.getOrDefault(e.getKey(), 0L);
            return sum;
        }

        private Map<Long, Long> otherCpu() {
            Set<ProcessHandle> procs = new LinkedHashSet<>();
            for (long pid : otherPids) ProcessHandle.of(pid).ifPresent(procs::add);
            ProcessHandle.current().descendants().forEach(procs::add);
            Map<Long, Long> cpu = new HashMap<>();
            for (ProcessHandle p : procs) p.info().totalCpuDuration().ifPresent(d -> cpu.put(p.pid(), d.toNanos()));
            return cpu;
        }

        private static Map<Long, Long> threadCpu(String namePrefix) {
            Map<Long, Long> cpu = new HashMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!t.getName().startsWith(namePrefix)) continue;
                long n = THREADS.getThreadCpuTime(t.getId());
                if (n >= 0) cpu.put(t.getId(), n);
            }
            return cpu;
        }
    }
}
