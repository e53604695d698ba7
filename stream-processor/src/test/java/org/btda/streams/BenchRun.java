package org.btda.streams;

import java.time.Duration;

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
}
