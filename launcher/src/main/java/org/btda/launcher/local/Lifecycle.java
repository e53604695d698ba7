package org.btda.launcher.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components started in order and closed in reverse order, each within its own time budget. A component that does not close
 * in time is abandoned (logged) so one hung service cannot keep the broker and ClickHouse from stopping.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private record Entry(String name, AutoCloseable resource) {
    }

    private final Deque<Entry> started = new ArrayDeque<>();

    /** Registers an already started component; it will be closed before everything registered earlier. */
    public synchronized <T extends AutoCloseable> T add(String name, T resource) {
        started.push(new Entry(name, resource));
        return resource;
    }

    /** Registers a component to be closed after everything registered so far and later (the bottom of the stack). */
    public synchronized <T extends AutoCloseable> T addClosedLast(String name, T resource) {
        started.addLast(new Entry(name, resource));
        return resource;
    }

    public synchronized int size() {
        return started.size();
    }

    /**
     * Closes everything in reverse start order. Safe to call more than once and from two threads: each component is taken
     * off the stack before it is closed, so it is closed exactly once.
     *
     * @param perComponent how long one component may take to close
     * @return true when every component closed without error in time
     */
    public boolean closeAll(Duration perComponent) {
        boolean clean = true;
        Entry e;
        while ((e = next()) != null) {
            clean &= closeOne(e, perComponent);
        }
        return clean;
    }

    private synchronized Entry next() {
        return started.poll();
    }

    private static boolean closeOne(Entry e, Duration limit) {
        long t0 = System.nanoTime();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // A separate (daemon) thread per component so a close() that hangs can be abandoned after its budget.
        Thread t = new Thread(() -> {
            try {
                e.resource().close();
            } catch (Throwable ex) {
                failure.set(ex);
            }
        }, "btda-stop-" + e.name());
        t.setDaemon(true);
        t.start();
        try {
            t.join(limit.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            LOG.error("interrupted while stopping {}", e.name());
            return false;
        }
        if (t.isAlive()) {
            LOG.error("{} did not stop within {} ms; abandoning it", e.name(), limit.toMillis());
            t.interrupt();
            return false;
        }
        if (failure.get() != null) {
            LOG.error("{} failed to stop cleanly", e.name(), failure.get());
            return false;
        }
        LOG.info("stopped {} in {} ms", e.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return true;
    }
}
