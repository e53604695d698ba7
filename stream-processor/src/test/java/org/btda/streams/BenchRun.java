package org.btda.streams;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the stream-processor benchmarks share: a run bounded in time, timestamped output, percentiles. */
final class BenchRun {
    private final long start = System.currentTimeMillis();
    private final long limitMs;

    BenchRun(Duration limit) {
        this.limitMs = limit.toMillis();
    }

    /** Benchmarks stop themselves: every loop checks this. */
    boolean overLimit() {
        return elapsedMs() > limitMs;
    }

    long elapsedMs() {
        return System.currentTimeMillis() - start;
    }

    void log(String fmt, Object... args) {
        System.out.printf("[%6.1fs] %s%n", elapsedMs() / 1000.0, String.format(fmt, args));
        System.out.flush();
    }

    /** The q-quantile of sorted samples; Long.MAX_VALUE stands for a sample never seen. */
    static String pct(long[] sorted, double q) {
        long v = sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        return v == Long.MAX_VALUE ? "inf" : String.valueOf(v);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String peerKey(int i) {
        return String.format("%032x", i);
    }

    /** Moves every sampled request id now visible in btda.observations from {@code pending} (id → send time) to latencies. */
    static void pollObservations(Statement st, Map<String, Long> pending, List<Long> out) throws Exception {
        if (pending.isEmpty()) return;
        List<String> ids = pending.keySet().stream().limit(2000).toList();
        String in = ids.stream().map(i -> "'" + i + "'").collect(Collectors.joining(","));
        try (ResultSet rs = st.executeQuery("SELECT request_id FROM btda.observations WHERE request_id IN (" + in + ")")) {
            long now = System.currentTimeMillis();
            while (rs.next()) {
                Long sent = pending.remove(rs.getString(1));
                if (sent != null) out.add(now - sent);
            }
        }
    }
}
