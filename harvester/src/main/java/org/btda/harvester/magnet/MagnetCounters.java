package org.btda.harvester.magnet;

import java.util.concurrent.atomic.LongAdder;

/** Statistics of metadata fetches. */
public final class MagnetCounters {
    final LongAdder sessions = new LongAdder();
    final LongAdder resolved = new LongAdder();
    final LongAdder hashMismatch = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();

    public long sessions() {
        return sessions.sum();
    }

    public long resolved() {
        return resolved.sum();
    }

    /** Peers whose complete metadata did not hash to the info hash. */
    public long hashMismatch() {
        return hashMismatch.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long protocolErrors() {
        return protocolErrors.sum();
    }

    @Override
    public String toString() {
        return "MagnetCounters[sessions=" + sessions() + ", resolved=" + resolved() + ", hashMismatch="
                + hashMismatch() + ", rejected=" + rejected() + ", timeouts=" + timeouts() + ", protocolErrors="
                + protocolErrors() + "]";
    }
}
