package org.btda.launcher;

/**
 * What the launcher needs from a service: a name for logs, a non-blocking {@link #start()} and a {@link #close()} that flushes
 * accepted data before returning. Concrete services are adapted in {@link ServiceCatalog}.
 */
public interface Service extends AutoCloseable {
    String name();

    /** Starts the service's own threads and returns; throws if the service cannot run. */
    void start() throws Exception;

    /** Whether the service can still do its job, and does it now; served at /health/live and /health/ready. */
    default org.btda.common.health.Health health() {
        return org.btda.common.health.Health.up();
    }

    /**
     * The concrete service behind this one when it is a {@code type} (for its counters: the status line). Still answers
     * after {@link #close()}, so the exit summary can read final counts.
     */
    default <T> java.util.Optional<T> unwrap(Class<T> type) {
        return java.util.Optional.empty();
    }
}
