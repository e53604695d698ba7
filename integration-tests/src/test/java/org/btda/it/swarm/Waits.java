package org.btda.it.swarm;

import java.time.Duration;

/** Bounded polling: every wait in the fixture has a deadline and says what it waited for when it gives up. */
final class Waits {
    interface Condition {
        boolean met() throws Exception;
    }

    private Waits() {
    }

    static void until(Duration timeout, String what, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.met()) {
                    return;
                }
            } catch (IllegalStateException e) {
                throw e; // a dead process: waiting longer cannot help
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what
                + (last == null ? "" : ": " + last), last);
    }
}
