package org.btda.common.health;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * The components of this process and their {@link Health}, as {@code /health/live} and {@code /health/ready} report it
 * ({@link org.btda.common.metrics.MetricsServer}). {@link #shared()} is the JVM's one set, filled by the launcher. Live
 * while no component is dead (a process with nothing registered yet is alive: it is starting); ready when at least one
 * component is registered and every one is ready.
 */
public final class HealthChecks {
    private static final HealthChecks SHARED = new HealthChecks();

    private final Map<String, Supplier<Health>> components = new ConcurrentSkipListMap<>();

    public static HealthChecks shared() {
        return SHARED;
    }

    /** Adds (or replaces) a component; closing the returned handle removes it again. */
    public AutoCloseable register(String name, Supplier<Health> health) {
        components.put(name, health);
        return () -> components.remove(name, health);
    }

    public Health live() {
        for (Map.Entry<String, Supplier<Health>> e : components.entrySet()) {
            Health h = ask(e.getValue());
            if (!h.live()) return Health.dead(e.getKey() + ": " + h.reason());
        }
        return new Health(true, false, "alive");
    }

    public Health ready() {
        if (components.isEmpty()) return Health.notReady("no service started yet");
        for (Map.Entry<String, Supplier<Health>> e : components.entrySet()) {
            Health h = ask(e.getValue());
            if (!h.ready()) return new Health(h.live(), false, e.getKey() + ": " + h.reason());
        }
        return Health.up();
    }

    /** A check that throws is itself a finding, not a reason for the endpoint to fail. */
    private static Health ask(Supplier<Health> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return Health.notReady("health check failed: " + e);
        }
    }
}
