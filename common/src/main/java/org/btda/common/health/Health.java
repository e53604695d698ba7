package org.btda.common.health;

import java.util.Objects;

/**
 * One component's answer to the two questions of {@code /health/live} and {@code /health/ready}: can it still do its job
 * ({@link #live()}: false means the process should exit and be restarted), and is it doing it now ({@link #ready()}:
 * false while starting, rebalancing or waiting for a dependency). {@code reason} is one line for the HTTP answer and logs.
 */
public record Health(boolean live, boolean ready, String reason) {

    public Health {
        Objects.requireNonNull(reason, "reason");
        if (ready && !live) throw new IllegalArgumentException("a dead component cannot be ready");
        reason = reason.replace('\n', ' ').replace('\r', ' ');
    }

    public static Health up() {
        return new Health(true, true, "running");
    }

    /** Alive but not doing its job yet or right now (starting, rebalancing, a dependency down). */
    public static Health notReady(String reason) {
        return new Health(true, false, reason);
    }

    /** Can no longer do its job: the process exits non-zero so that a restart policy starts a fresh one. */
    public static Health dead(String reason) {
        return new Health(false, false, reason);
    }
}
