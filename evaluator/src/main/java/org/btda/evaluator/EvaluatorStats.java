package org.btda.evaluator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.btda.evaluator.contact.Refusal;
import org.btda.events.FailureReason;

/**
 * Counters of one evaluator instance. Thread-safe and lock-free: updated from event-loop threads, the Kafka producer's
 * callback thread and the consumer thread.
 */
public final class EvaluatorStats {

    /** Seconds of history kept for the contacts/s rate. */
    private static final int WINDOW = 64;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final LongAdder completed = new LongAdder();
    private final LongAdder successes = new LongAdder();
    private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);
    private final LongAdder observationsPublished = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder pexPeersPublished = new LongAdder();
    private final LongAdder pausedTimes = new LongAdder();
    // Per-second completion buckets: slot = epoch second % WINDOW, stamped with the second they count.
    private final AtomicLongArray bucketCounts = new AtomicLongArray(WINDOW);
    private final AtomicLongArray bucketStamps = new AtomicLongArray(WINDOW);

    // incoming connections (passive mode)
    private final AtomicInteger incomingOpen = new AtomicInteger();
    private final AtomicInteger incomingInFlight = new AtomicInteger();
    private final LongAdder incomingEvaluated = new LongAdder();
    private final Map<Refusal, LongAdder> incomingRefusals = new EnumMap<>(Refusal.class);
    private final HyperLogLog uniqueIncoming = new HyperLogLog();
    private final LongAdder incomingReconciled = new LongAdder();
    // our own listen endpoint, learnt from PEX or requested: never published, never dialled
    private final LongAdder selfSkipped = new LongAdder();
    // outcome by attempt
    private final LongAdder failedFirst = new LongAdder();
    private final LongAdder failedLater = new LongAdder();
    // per-interval session figures, reset by takeInterval()
    private final Object intervalLock = new Object();
    private long intervalSessions;
    private long intervalSessionMillis;
    private long intervalMaxSessionMillis;
    private long intervalGapMillis;
    private long intervalMaxGapMillis;

    public EvaluatorStats() {
        for (FailureReason r : FailureReason.values()) failures.put(r, new LongAdder());
        for (Refusal r : Refusal.values()) incomingRefusals.put(r, new LongAdder());
    }

    // ---- incoming ---------------------------------------------------------------------------------------------------

    public void incomingOpened() { incomingOpen.incrementAndGet(); }
    public void incomingClosed() { incomingOpen.decrementAndGet(); }
    public void incomingSessionStarted() { incomingInFlight.incrementAndGet(); }
    public void incomingSessionEnded() { incomingInFlight.decrementAndGet(); }
    public void countIncomingRefusal(Refusal why) { incomingRefusals.get(why).increment(); }

    /** An incoming peer's observation was published; {@code peerKey} feeds the distinct count. */
    public void incomingEvaluated(String peerKey) {
        incomingEvaluated.increment();
        uniqueIncoming.add(HyperLogLog.hashOfHex(peerKey));
    }

    /** An incoming observation without BEP 10 p was keyed by the port btda had reached that client at. */
    public void incomingReconciled() { incomingReconciled.increment(); }
    public long incomingReconciledTotal() { return incomingReconciled.sum(); }
    /** Our own listen endpoint was skipped (a PEX endpoint not published, or a contact not dialled). */
    public void selfSkipped() { selfSkipped.increment(); }
    public long selfSkippedTotal() { return selfSkipped.sum(); }

    public int incomingOpen() { return incomingOpen.get(); }
    public int incomingInFlight() { return incomingInFlight.get(); }
    public long incomingEvaluated() { return incomingEvaluated.sum(); }
    public long incomingRefused(Refusal why) { return incomingRefusals.get(why).sum(); }
    public long incomingRefusedTotal() { return incomingRefusals.values().stream().mapToLong(LongAdder::sum).sum(); }
    public long uniqueIncomingPeers() { return uniqueIncoming.estimate(); }

    // ---- per-contact figures ----------------------------------------------------------------------------------------

    /** A dialled or accepted session ended: its duration and longest silence feed the interval's mean and max. */
    public void sessionMeasured(long sessionMillis, long longestGapMillis) {
        synchronized (intervalLock) {
            intervalSessions++;
            intervalSessionMillis += sessionMillis;
            intervalMaxSessionMillis = Math.max(intervalMaxSessionMillis, sessionMillis);
            intervalGapMillis += longestGapMillis;
            intervalMaxGapMillis = Math.max(intervalMaxGapMillis, longestGapMillis);
        }
    }

    /** A failed outgoing contact by its request's attempt number (0 = first contact). */
    public void contactFailedAtAttempt(int attempt) {
        if (attempt == 0) failedFirst.increment(); else failedLater.increment();
    }

    public long failedFirst() { return failedFirst.sum(); }
    public long failedLater() { return failedLater.sum(); }

    /** Figures of the sessions measured since the previous call. */
    public record Interval(long sessions, double meanSessionMillis, long maxSessionMillis, double meanLongestGapMillis,
                           long maxLongestGapMillis) {
    }

    public Interval takeInterval() {
        synchronized (intervalLock) {
            long n = intervalSessions;
            Interval i = new Interval(n, n == 0 ? 0 : intervalSessionMillis / (double) n, intervalMaxSessionMillis,
                    n == 0 ? 0 : intervalGapMillis / (double) n, intervalMaxGapMillis);
            intervalSessions = intervalSessionMillis = intervalMaxSessionMillis = intervalGapMillis = intervalMaxGapMillis = 0;
            return i;
        }
    }

    public void sessionStarted() {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
    }

    public void sessionEnded() {
        inFlight.decrementAndGet();
    }

    /** One contact finished (dialled or not). {@code failure} null means success. */
    public void contactCompleted(FailureReason failure) {
        completed.increment();
        if (failure == null) successes.increment(); else failures.get(failure).increment();
        long second = System.currentTimeMillis() / 1000;
        int slot = (int) (second % WINDOW);
        long stamp = bucketStamps.get(slot);
        if (stamp != second && bucketStamps.compareAndSet(slot, stamp, second)) bucketCounts.set(slot, 0);
        bucketCounts.incrementAndGet(slot);
    }

    public void observationPublished() { observationsPublished.increment(); }
    public void publishFailed() { publishFailures.increment(); }
    public void pexPeerPublished() { pexPeersPublished.increment(); }
    public void paused() { pausedTimes.increment(); }

    public int inFlight() { return inFlight.get(); }
    public int peakInFlight() { return peakInFlight.get(); }
    public long completed() { return completed.sum(); }
    public long successes() { return successes.sum(); }
    public long failures(FailureReason reason) { return failures.get(reason).sum(); }
    public long observationsPublished() { return observationsPublished.sum(); }
    public long publishFailures() { return publishFailures.sum(); }
    public long pexPeersPublished() { return pexPeersPublished.sum(); }
    public long pausedTimes() { return pausedTimes.sum(); }

    /** Completed contacts per second over the last {@code seconds} whole seconds (1..60), excluding the current one. */
    public double contactsPerSecond(int seconds) {
        int n = Math.max(1, Math.min(seconds, WINDOW - 4));
        long current = System.currentTimeMillis() / 1000;
        long sum = 0;
        for (long s = current - n; s < current; s++) {
            int slot = (int) (s % WINDOW);
            if (bucketStamps.get(slot) == s) sum += bucketCounts.get(slot);
        }
        return sum / (double) n;
    }

    public Map<String, Long> outcomes() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("SUCCESS", successes());
        failures.forEach((r, a) -> { if (a.sum() > 0) m.put(r.name(), a.sum()); });
        return m;
    }

    @Override
    public String toString() {
        return "inFlight=" + inFlight() + " peak=" + peakInFlight() + " completed=" + completed() + " outcomes=" + outcomes()
                + " published=" + observationsPublished() + " publishFailures=" + publishFailures()
                + " pex=" + pexPeersPublished() + " contacts/s(10s)=" + String.format("%.1f", contactsPerSecond(10));
    }
}
