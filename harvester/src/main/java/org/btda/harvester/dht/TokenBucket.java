package org.btda.harvester.dht;

import java.util.function.LongSupplier;

/**
 * Outgoing query rate limit (dht.max-queries-per-second). Reservation style: {@link #reserve()} always takes a token
 * and returns how long the caller must wait before sending, so queries keep their order without a queue of their own;
 * the backlog is bounded by {@code maxDelayNanos} (beyond it {@code reserve} refuses).
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private final long maxDelayNanos;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    public TokenBucket(int perSecond, long maxDelayNanos, LongSupplier nanoClock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, perSecond / 10.0); // at most 100 ms worth of queries at once
        this.maxDelayNanos = maxDelayNanos;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /** Nanoseconds to wait before sending (0 = now), or -1 if the backlog is full and the query must be dropped. */
    public synchronized long reserve() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        double after = tokens - 1;
        long wait = after >= 0 ? 0 : (long) Math.ceil(-after / perNano);
        if (wait > maxDelayNanos) {
            return -1;
        }
        tokens = after;
        return wait;
    }
}
