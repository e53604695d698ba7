package org.btda.protocol.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide codec counters, shared by all channels (LongAdder: cheap under contention from many event loops).
 * The evaluator exports these as metrics; the codec only increments.
 */
public final class WireCounters {
    private final Map<WireViolation, LongAdder> violations = new EnumMap<>(WireViolation.class);
    private final LongAdder unknownMessages = new LongAdder();
    private final LongAdder discardedPieces = new LongAdder();
    private final LongAdder unknownExtended = new LongAdder();

    public WireCounters() {
        for (WireViolation v : WireViolation.values()) {
            violations.put(v, new LongAdder());
        }
    }

    void countViolation(WireViolation v) {
        violations.get(v).increment();
    }

    void countUnknownMessage() {
        unknownMessages.increment();
    }

    void countDiscardedPiece() {
        discardedPieces.increment();
    }

    void countUnknownExtended() {
        unknownExtended.increment();
    }

    public long violations(WireViolation v) {
        return violations.get(v).sum();
    }

    /** Frames with a message id this codec does not know; skipped without buffering. */
    public long unknownMessages() {
        return unknownMessages.sum();
    }

    /** {@code piece} messages whose block was skipped unread (btda never requests, so every piece is unsolicited). */
    public long discardedPieces() {
        return discardedPieces.sum();
    }

    /** Extended messages with an id btda did not assign; passed through as {@link ExtendedMessage}. */
    public long unknownExtended() {
        return unknownExtended.sum();
    }
}
