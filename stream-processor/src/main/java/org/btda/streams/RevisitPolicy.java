package org.btda.streams;

import java.time.Duration;
import java.util.Objects;
import org.btda.events.FailureReason;

/**
 * When a peer is contacted again: the one home of the revisit rules, a pure function of (peer state, what just
 * happened, now) to a {@link Decision}. {@link PeerProcessor} applies the decision to its stores and forwards the
 * request; the policy reads the state and never changes it, so it is tested on its own ({@code RevisitPolicyTest}).
 *
 * <ul>
 *   <li>{@link #afterDiscovery}: a parked peer is tried afresh (attempt 0, failures forgotten); an idle peer that is not
 *       complete is contacted at once; one already scheduled or waiting for an answer keeps its schedule.</li>
 *   <li>{@link #afterObservation}: only the answer to the outstanding request (or any observation of an idle peer)
 *       drives the schedule. Success: complete or undialable → done, else revisit {@code revisit.delay} after the
 *       observation's time (when its piece count was learnt, not when the answer was processed), so that the time
 *       between two looks at a reachable peer, and hence a crossing bracket, stays within one revisit plus one
 *       contact.
 *       Failure: complete → done; {@code DO_NOT_CONTACT} → park; {@code OVERLOADED}/{@code STALE_REQUEST} (the
 *       evaluator's fault) → back off {@code revisit.backoff-base}, not counted; any other failure n → back off
 *       base × 2^(n-1), and the {@code revisit.max-failures}-th consecutive one parks.</li>
 *   <li>{@link #due}, {@link #beforeContact}, {@link #afterContact}: a due peer is contacted with the attempt its
 *       schedule carries; a torrent whose monitoring stopped ends its peers; an unregistered torrent makes its peers
 *       wait {@code torrentWait}; every request sent schedules a fallback revisit, so a lost answer loses no peer.</li>
 * </ul>
 *
 * <p>One session per peer at a time: a request is outstanding until its answer arrives, and while it is, nothing
 * contacts the peer again: discoveries (trackers, DHT, PEX) leave it alone, and the fallback revisit waits
 * {@code sessionBound}, the longest a session started for that request can still be open. Peers refuse a second
 * connection from an address they are already talking to, so an earlier fallback cost a failed contact and a back-off.
 *
 * @param revisitDelay        {@code revisit.delay}: a peer below the threshold (or of unknown completion) is contacted
 *                            again after this
 * @param backoffBase         {@code revisit.backoff-base}: first retry after a failed contact; each further one doubles
 * @param maxFailures         {@code revisit.max-failures}: consecutive failures that park a peer (0 behaves like 1)
 * @param completionThreshold {@code completion.threshold}: a peer at or above this fraction of pieces is complete and
 *                            not revisited
 * @param torrentWait         how long a peer of a torrent not registered yet waits before it is checked again
 * @param sessionBound        after this, a session for a request issued now is over for sure (the evaluator starts no
 *                            request due longer than {@code evaluator.stale-after} ago, and a session lasts at most
 *                            connect timeout + session cap): the earliest fallback revisit of an unanswered request
 */
public record RevisitPolicy(Duration revisitDelay, Duration backoffBase, int maxFailures, double completionThreshold,
                            Duration torrentWait, Duration sessionBound) {

    public RevisitPolicy {
        Objects.requireNonNull(revisitDelay, "revisitDelay");
        Objects.requireNonNull(sessionBound, "sessionBound");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(torrentWait, "torrentWait");
    }

    /** What to do with the peer's schedule. */
    public enum Kind {
        /** Send a contact request now (due time {@link Decision#at}, attempt {@link Decision#attempt}). */
        CONTACT_NOW,
        /** Contact again at {@link Decision#at}: the regular revisit, the fallback after a request, or a torrent wait. */
        REVISIT_AT,
        /** Retry a failed peer at {@link Decision#at}. */
        BACK_OFF_UNTIL,
        /** No contact until the peer is rediscovered. */
        PARK,
        /** No further contact: complete, undialable, or its torrent no longer monitored. */
        DONE,
        /** The schedule stays as it is: the event does not drive it (for an observation: it answers no request). */
        UNCHANGED
    }

    /**
     * @param at                  due time in epoch millis (CONTACT_NOW, REVISIT_AT, BACK_OFF_UNTIL), else -1
     * @param attempt             attempt number the (next) request carries: 0, or the consecutive failures so far
     * @param consecutiveFailures the peer's consecutive failures after this decision
     */
    public record Decision(Kind kind, long at, int attempt, int consecutiveFailures) {}

    /** A discovery of a peer whose state (new or known) already counts it. */
    Decision afterDiscovery(PeerState s, long now) {
        if (s.parked) {                       // a rediscovery says the peer is (again) announcing: try afresh
            return new Decision(Kind.CONTACT_NOW, now, 0, 0);
        }
        if (!s.scheduled() && s.outstandingRequestId == null && !complete(s)) {   // a new peer, or one left idle
            return new Decision(Kind.CONTACT_NOW, now, 0, s.consecutiveFailures);
        }
        return unchanged(s);
    }

    /**
     * An observation, already counted in {@code s} (pieces, confirmation): success, or the failure's reason;
     * {@code observedAt} is its time (when the piece count was last learnt). Anything but UNCHANGED means the observation
     * answered the peer's outstanding request.
     */
    Decision afterObservation(PeerState s, String requestId, boolean success, FailureReason failure, long observedAt,
                              long now) {
        boolean drives = (requestId != null && requestId.equals(s.outstandingRequestId))
                || (s.outstandingRequestId == null && !s.scheduled() && !s.parked);
        if (!drives) return unchanged(s);
        if (success) {
            if (complete(s) || s.sealedEndpoint == null) return new Decision(Kind.DONE, -1, 0, 0);
            return new Decision(Kind.REVISIT_AT, revisitAfter(observedAt, now), 0, 0);
        }
        int failures = s.consecutiveFailures;
        if (complete(s)) {                                              // nothing left to learn from a complete peer
            return new Decision(Kind.DONE, -1, 0, failures);
        }
        if (failure == FailureReason.DO_NOT_CONTACT) {                  // policy says never again: park without a retry
            return new Decision(Kind.PARK, -1, 0, failures);
        }
        if (failure == FailureReason.OVERLOADED || failure == FailureReason.STALE_REQUEST) {
            // the evaluator's fault, not the peer's: retry soon without counting against the peer
            return new Decision(Kind.BACK_OFF_UNTIL, now + backoffBase.toMillis(), s.nextAttempt, failures);
        }
        failures++;
        if (failures >= maxFailures) return new Decision(Kind.PARK, -1, 0, failures);
        return new Decision(Kind.BACK_OFF_UNTIL, now + backoffAfter(failures).toMillis(), failures, failures);
    }

    /** A scheduled peer whose due time has come: contacted with the attempt its schedule carries. */
    Decision due(PeerState s) {
        return new Decision(Kind.CONTACT_NOW, s.dueAt, s.nextAttempt, s.consecutiveFailures);
    }

    /**
     * Just before a request is sent: whether it can be. {@code monitored} is false once the torrent's monitoring
     * stopped; {@code s} already holds the torrent's piece count when it is registered.
     */
    Decision beforeContact(PeerState s, boolean monitored, long now, int attempt) {
        if (!monitored) return new Decision(Kind.DONE, -1, 0, s.consecutiveFailures);
        if (s.sealedEndpoint == null) return new Decision(Kind.DONE, -1, 0, s.consecutiveFailures);   // nowhere to dial
        if (s.totalPieces <= 0) {                                       // torrent not registered yet
            return new Decision(Kind.REVISIT_AT, now + torrentWait.toMillis(), attempt, s.consecutiveFailures);
        }
        return new Decision(Kind.CONTACT_NOW, now, attempt, s.consecutiveFailures);
    }

    /**
     * A request was sent: the fallback revisit, so a request whose observation is lost is repeated, not forgotten; not
     * before {@code sessionBound}, so the repeat never meets a session of the first request still open.
     */
    Decision afterContact(PeerState s, long now, int attempt) {
        return new Decision(Kind.REVISIT_AT, now + sessionBound.toMillis(), attempt, s.consecutiveFailures);
    }

    /**
     * {@code revisit.delay} after what was observed, never earlier than now (the answer took longer than the delay) nor
     * later than a delay from now (an evaluator's clock ahead of ours).
     */
    long revisitAfter(long observedAt, long now) {
        long delay = revisitDelay.toMillis();
        long at = observedAt > Long.MAX_VALUE - delay ? Long.MAX_VALUE : observedAt + delay;
        return Math.max(now, Math.min(at, now + delay));
    }

    /** Retry delay after the n-th consecutive failure (n >= 1): base × 2^(n-1), capped so it cannot overflow. */
    public Duration backoffAfter(int consecutiveFailures) {
        int shift = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
        long ms = backoffBase.toMillis();
        long delay = ms > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : ms << shift;
        return Duration.ofMillis(delay);
    }

    /** Complete: a confirmed download, or the latest known piece count at or above the threshold. */
    boolean complete(PeerState s) {
        return s.confirmed() || (s.lastPieces != null && atOrAbove(s.lastPieces, s.totalPieces, completionThreshold));
    }

    /** True when {@code pieces} of {@code total} is at or above {@code threshold}. */
    static boolean atOrAbove(int pieces, int total, double threshold) {
        return total > 0 && (double) pieces / total >= threshold;
    }

    private static Decision unchanged(PeerState s) {
        return new Decision(Kind.UNCHANGED, -1, 0, s.consecutiveFailures);
    }
}
