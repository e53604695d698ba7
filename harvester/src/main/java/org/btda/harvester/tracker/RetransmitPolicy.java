package org.btda.harvester.tracker;

import java.time.Duration;

/**
 * BEP 15 retransmission: wait {@code base * 2^n} for attempt n (n = 0, 1, ...), give up after attempt {@code maxN}.
 * With the BEP's base of 15 s and n ≤ 8 the last wait is 3840 s.
 */
public record RetransmitPolicy(Duration base, int maxN) {
    public static final int BEP15_MAX_N = 8;

    public RetransmitPolicy {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be positive");
        }
        if (maxN < 0 || maxN > BEP15_MAX_N) {
            throw new IllegalArgumentException("maxN must be in 0.." + BEP15_MAX_N);
        }
    }

    public static RetransmitPolicy bep15(Duration base) {
        return new RetransmitPolicy(base, BEP15_MAX_N);
    }

    /** How long to wait for an answer to attempt {@code n}. */
    public Duration timeout(int n) {
        if (n < 0 || n > maxN) {
            throw new IllegalArgumentException("attempt " + n + " outside 0.." + maxN);
        }
        return base.multipliedBy(1L << n);
    }

    /** Whether another attempt follows attempt {@code n} when it times out. */
    public boolean retransmitAfter(int n) {
        return n < maxN;
    }
}
