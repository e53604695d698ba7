package org.btda.it.e2e;

import java.time.Duration;

/** Bounded polling: every wait has a deadline and names what it waited for (and the last error) when it gives up. */
final class E2eWaits {
    interface Condition {
        boolean met() throws Exception;
    }

    private E2eWaits() {
    }

    static void until(Duration timeout, String what, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.met()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e; // e.g. ClickHouse busy for a moment; the deadline bounds it
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + (last == null ? "" : ": " + last), last);
    }
}
