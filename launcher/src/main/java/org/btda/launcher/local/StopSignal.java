package org.btda.launcher.local;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGINT/SIGTERM into a request for an orderly stop, so the main thread closes everything and the process exits 0. A
 * JVM shutdown hook would run too, but the exit status would then be 130/143. A second signal ends the process at once.
 */
final class StopSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger count = new AtomicInteger();

    static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), sig -> s.onSignal(sig.getName()));
        }
        return s;
    }

    private void onSignal(String name) {
        if (count.incrementAndGet() > 1) {
            LOG.warn("second SIG{}: exiting without waiting for an orderly stop", name);
            Runtime.getRuntime().halt(130);
        }
        LOG.info("SIG{} received: stopping (send it again to exit at once)", name);
        requested.countDown();
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    void await() throws InterruptedException {
        requested.await();
    }

    /** Released by the first signal (for a wait that also watches something else). */
    CountDownLatch latch() {
        return requested;
    }

    /**
     * Halts the JVM if the orderly stop takes longer than {@code millis}; the stop itself bounds each component, this bounds
     * the sum.
     */
    static void watchdog(long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
                LOG.error("shutdown took longer than {} ms; halting", millis);
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "btda-shutdown-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
