package org.btda.protocol.mse;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide MSE counters and the ceiling on handshakes in progress: each costs two 768-bit modular
 * exponentiations and up to ~1.2 KB of buffer, so a flood of half-open handshakes is refused, not queued.
 */
public final class MseCounters {
    private final Map<MseViolation, LongAdder> violations = new EnumMap<>(MseViolation.class);
    private final LongAdder rc4 = new LongAdder();
    private final LongAdder plain = new LongAdder();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final int maxInProgress;

    public MseCounters(int maxInProgress) {
        if (maxInProgress < 1) throw new IllegalArgumentException("maxInProgress must be >= 1");
        this.maxInProgress = maxInProgress;
        for (MseViolation v : MseViolation.values()) violations.put(v, new LongAdder());
    }

    /** Claims a handshake slot; false (and counted) when {@code maxInProgress} are running. */
    boolean tryBegin() {
        if (inProgress.incrementAndGet() > maxInProgress) {
            inProgress.decrementAndGet();
            violations.get(MseViolation.OVERLOADED).increment();
            return false;
        }
        return true;
    }

    void end() {
        inProgress.decrementAndGet();
    }

    void countViolation(MseViolation v) {
        violations.get(v).increment();
    }

    void countEstablished(MseEncryption e) {
        (e == MseEncryption.RC4 ? rc4 : plain).increment();
    }

    public long violations(MseViolation v) {
        return violations.get(v).sum();
    }

    /** Handshakes that completed, by the method the two sides settled on. */
    public long established(MseEncryption e) {
        return (e == MseEncryption.RC4 ? rc4 : plain).sum();
    }

    public int inProgress() {
        return inProgress.get();
    }
}
