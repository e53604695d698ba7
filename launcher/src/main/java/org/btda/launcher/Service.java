package org.btda.launcher;

/**
 * What the launcher needs from a service: a name for logs, a non-blocking {@link #start()} and a {@link #close()} that flushes
 * accepted data before returning. Concrete services are adapted in {@link ServiceCatalog}.
 */
public interface Service extends AutoCloseable {
    String name();

    /** Starts the service's own threads and returns; throws if the service cannot run. */
    void start() throws Exception;
}
