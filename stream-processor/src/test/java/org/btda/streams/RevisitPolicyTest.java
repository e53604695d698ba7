package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.btda.common.config.Settings;
import org.btda.events.FailureReason;
import org.btda.streams.RevisitPolicy.Decision;
import org.btda.streams.RevisitPolicy.Kind;
import org.junit.jupiter.api.Test;

/** The revisit rules on their own: state and outcome in, decision out, no topology. */
class RevisitPolicyTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long DELAY = Duration.ofMinutes(30).toMillis();
    private static final long BASE = Duration.ofMinutes(1).toMillis();
    private static final long TORRENT_WAIT = Duration.ofSeconds(30).toMillis();
    /** The registry's: evaluator.stale-after + connect timeout + session cap + slack. */
    private static final Duration SESSION_BOUND = StreamsSettings.sessionBound(Settings.defaults());
    private static final RevisitPolicy POLICY = new RevisitPolicy(Duration.ofMinutes(30), Duration.ofMinutes(1), 3, 0.98,
            Duration.ofSeconds(30), SESSION_BOUND);

    /** A known peer of a registered 100-piece torrent with a dialable endpoint, idle (nothing scheduled or asked). */
    private static PeerState peer() {
        PeerState s = new PeerState();
        s.sealedEndpoint = new byte[] {1, 2, 3};
        s.totalPieces = 100;
        s.pieceLength = 16384;
        return s;
    }

    private static PeerState waitingFor(String requestId) {
        PeerState s = peer();
        s.outstandingRequestId = requestId;
        s.dueAt = NOW + DELAY;     // the fallback revisit scheduled with the request
        return s;
    }

    @Test
    void aNewPeerIsContactedAtOnceWithAttemptZero() {
        assertThat(POLICY.afterDiscovery(new PeerState(), NOW)).isEqualTo(new Decision(Kind.CONTACT_NOW, NOW, 0, 0));
    }

    @Test
    void aRediscoveredPeerKeepsItsScheduleOrOutstandingRequest() {
        PeerState scheduled = peer();
        scheduled.dueAt = NOW + 5_000;
        scheduled.consecutiveFailures = 1;
        assertThat(POLICY.afterDiscovery(scheduled, NOW)).isEqualTo(new Decision(Kind.UNCHANGED, -1, 0, 1));
        assertThat(POLICY.afterDiscovery(waitingFor("r1"), NOW).kind()).isEqualTo(Kind.UNCHANGED);
    }

    @Test
    void aRediscoveredIdlePeerIsContactedUnlessComplete() {
        assertThat(POLICY.afterDiscovery(peer(), NOW).kind()).isEqualTo(Kind.CONTACT_NOW);
        PeerState seed = peer();
        seed.lastPieces = 100;
        assertThat(POLICY.afterDiscovery(seed, NOW).kind()).isEqualTo(Kind.UNCHANGED);
        PeerState confirmed = peer();
        confirmed.lastPieces = 10;          // a later sample below again: a confirmed download still counts as complete
        confirmed.crossedAt = NOW - 1;
        assertThat(POLICY.afterDiscovery(confirmed, NOW).kind()).isEqualTo(Kind.UNCHANGED);
    }

    @Test
    void rediscoveryUnparksWithAttemptZeroAndForgetsTheFailures() {
        PeerState parked = peer();
        parked.parked = true;
        parked.consecutiveFailures = 3;
        parked.lastPieces = 100;            // even complete: a parked peer is tried afresh
        assertThat(POLICY.afterDiscovery(parked, NOW)).isEqualTo(new Decision(Kind.CONTACT_NOW, NOW, 0, 0));
    }

    @Test
    void successBelowThresholdIsRevisitedAfterTheDelay() {
        PeerState s = waitingFor("r1");
        s.consecutiveFailures = 2;
        s.lastPieces = 40;
        assertThat(POLICY.afterObservation(s, "r1", true, null, NOW, NOW)).isEqualTo(new Decision(Kind.REVISIT_AT, NOW + DELAY, 0, 0));
        s.lastPieces = null;                // silence: unknown completion is revisited too
        assertThat(POLICY.afterObservation(s, "r1", true, null, NOW, NOW).kind()).isEqualTo(Kind.REVISIT_AT);
    }

    @Test
    void successAtThresholdOrWithoutEndpointIsDone() {
        PeerState complete = waitingFor("r1");
        complete.lastPieces = 98;           // 0.98 of 100: at the threshold
        complete.consecutiveFailures = 2;
        assertThat(POLICY.afterObservation(complete, "r1", true, null, NOW, NOW)).isEqualTo(new Decision(Kind.DONE, -1, 0, 0));
        complete.lastPieces = 97;
        assertThat(POLICY.afterObservation(complete, "r1", true, null, NOW, NOW).kind()).isEqualTo(Kind.REVISIT_AT);

        PeerState incoming = peer();        // an incoming peer never told us where to dial
        incoming.sealedEndpoint = null;
        incoming.lastPieces = 10;
        assertThat(POLICY.afterObservation(incoming, null, true, null, NOW, NOW).kind()).isEqualTo(Kind.DONE);
    }

    @Test
    void onlyTheAnswerToTheOutstandingRequestOrAnObservationOfAnIdlePeerDrives() {
        PeerState s = waitingFor("r2");
        s.lastPieces = 10;
        assertThat(POLICY.afterObservation(s, "r1", true, null, NOW, NOW).kind()).as("answer to an older request").isEqualTo(Kind.UNCHANGED);
        assertThat(POLICY.afterObservation(s, null, false, FailureReason.REFUSED, NOW, NOW).kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(POLICY.afterObservation(s, "r2", true, null, NOW, NOW).kind()).isEqualTo(Kind.REVISIT_AT);

        PeerState scheduled = peer();       // revisit scheduled, nothing outstanding: another evaluator's report
        scheduled.dueAt = NOW + 1000;
        assertThat(POLICY.afterObservation(scheduled, null, true, null, NOW, NOW).kind()).isEqualTo(Kind.UNCHANGED);

        PeerState parked = peer();
        parked.parked = true;
        parked.consecutiveFailures = 3;
        assertThat(POLICY.afterObservation(parked, null, true, null, NOW, NOW)).isEqualTo(new Decision(Kind.UNCHANGED, -1, 0, 3));

        PeerState idle = peer();            // unsolicited (e.g. incoming) observation of an idle peer
        idle.lastPieces = 10;
        assertThat(POLICY.afterObservation(idle, null, true, null, NOW, NOW).kind()).isEqualTo(Kind.REVISIT_AT);
    }

    @Test
    void failuresBackOffDoublingWithTheAttemptNumberThenPark() {
        PeerState s = waitingFor("r0");
        Decision first = POLICY.afterObservation(s, "r0", false, FailureReason.REFUSED, NOW, NOW);
        assertThat(first).isEqualTo(new Decision(Kind.BACK_OFF_UNTIL, NOW + BASE, 1, 1));

        s.consecutiveFailures = 1;
        Decision second = POLICY.afterObservation(s, "r0", false, FailureReason.CONNECT_TIMEOUT, NOW, NOW);
        assertThat(second).isEqualTo(new Decision(Kind.BACK_OFF_UNTIL, NOW + 2 * BASE, 2, 2));

        s.consecutiveFailures = 2;          // the 3rd = revisit.max-failures
        assertThat(POLICY.afterObservation(s, "r0", false, FailureReason.RESET, NOW, NOW)).isEqualTo(new Decision(Kind.PARK, -1, 0, 3));
    }

    @Test
    void backoffDoublesPerFailureAndCannotOverflow() {
        assertThat(POLICY.backoffAfter(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(POLICY.backoffAfter(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(POLICY.backoffAfter(4)).isEqualTo(Duration.ofMinutes(8));
        assertThat(POLICY.backoffAfter(0)).as("treated as the first").isEqualTo(Duration.ofMinutes(1));
        assertThat(POLICY.backoffAfter(1000)).as("the doubling stops at 2^30").isEqualTo(Duration.ofMinutes(1).multipliedBy(1L << 30));
        RevisitPolicy huge = new RevisitPolicy(Duration.ofMinutes(30), Duration.ofMillis(Long.MAX_VALUE / 4), 3, 0.98,
                Duration.ofSeconds(30), SESSION_BOUND);
        assertThat(huge.backoffAfter(10)).as("saturates instead of wrapping negative").isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void zeroMaxFailuresParksAtTheFirstFailure() {
        RevisitPolicy strict = new RevisitPolicy(Duration.ofMinutes(30), Duration.ofMinutes(1), 0, 0.98, Duration.ofSeconds(30), SESSION_BOUND);
        assertThat(strict.afterObservation(waitingFor("r0"), "r0", false, FailureReason.REFUSED, NOW, NOW).kind()).isEqualTo(Kind.PARK);
    }

    @Test
    void doNotContactParksAtOnceWithoutCountingAFailure() {
        PeerState s = waitingFor("r0");
        s.consecutiveFailures = 1;
        assertThat(POLICY.afterObservation(s, "r0", false, FailureReason.DO_NOT_CONTACT, NOW, NOW))
                .isEqualTo(new Decision(Kind.PARK, -1, 0, 1));
    }

    @Test
    void theEvaluatorsOwnTroubleRetriesAfterTheBaseWithoutCountingAgainstThePeer() {
        for (FailureReason r : new FailureReason[] {FailureReason.OVERLOADED, FailureReason.STALE_REQUEST}) {
            PeerState s = waitingFor("r0");
            s.consecutiveFailures = 2;
            s.nextAttempt = 2;
            assertThat(POLICY.afterObservation(s, "r0", false, r, NOW, NOW)).as(r.name())
                    .isEqualTo(new Decision(Kind.BACK_OFF_UNTIL, NOW + BASE, 2, 2));
        }
    }

    @Test
    void aFailureOfACompletePeerEndsItsVisits() {
        PeerState s = waitingFor("r0");
        s.lastPieces = 100;
        s.consecutiveFailures = 1;
        assertThat(POLICY.afterObservation(s, "r0", false, FailureReason.REFUSED, NOW, NOW)).isEqualTo(new Decision(Kind.DONE, -1, 0, 1));
        assertThat(POLICY.afterObservation(s, "r0", false, FailureReason.DO_NOT_CONTACT, NOW, NOW).kind()).isEqualTo(Kind.DONE);
    }

    @Test
    void aDuePeerIsContactedWithTheAttemptItsScheduleCarries() {
        PeerState s = peer();
        s.dueAt = NOW - 10;
        s.nextAttempt = 2;
        s.consecutiveFailures = 2;
        assertThat(POLICY.due(s)).isEqualTo(new Decision(Kind.CONTACT_NOW, NOW - 10, 2, 2));
    }

    @Test
    void beforeContactChecksMonitoringEndpointAndTorrent() {
        assertThat(POLICY.beforeContact(peer(), true, NOW, 1)).isEqualTo(new Decision(Kind.CONTACT_NOW, NOW, 1, 0));
        assertThat(POLICY.beforeContact(peer(), false, NOW, 1).kind()).as("monitoring stopped").isEqualTo(Kind.DONE);

        PeerState unregistered = peer();
        unregistered.totalPieces = 0;
        assertThat(POLICY.beforeContact(unregistered, true, NOW, 1))
                .isEqualTo(new Decision(Kind.REVISIT_AT, NOW + TORRENT_WAIT, 1, 0));

        PeerState undialable = peer();
        undialable.sealedEndpoint = null;
        undialable.totalPieces = 0;
        assertThat(POLICY.beforeContact(undialable, true, NOW, 0).kind()).isEqualTo(Kind.DONE);
    }

    @Test
    void everyRequestSentSchedulesAFallbackRevisitOnlyOnceAnySessionForItIsOver() {
        PeerState s = peer();
        s.consecutiveFailures = 1;
        assertThat(POLICY.afterContact(s, NOW, 1))
                .isEqualTo(new Decision(Kind.REVISIT_AT, NOW + SESSION_BOUND.toMillis(), 1, 1));
        // the evaluator starts a request at most stale-after after it is due, and a session lasts connect + cap
        Settings d = Settings.defaults();
        assertThat(SESSION_BOUND).isGreaterThan(d.get(Settings.EVALUATOR_STALE_AFTER)
                .plus(d.get(Settings.EVALUATOR_CONNECT_TIMEOUT)).plus(d.get(Settings.EVALUATOR_SESSION_CAP)));
    }

    @Test
    void aPeerWaitingForAnAnswerIsContactedByNothingElse() {
        PeerState s = waitingFor("r1");
        s.dueAt = NOW + SESSION_BOUND.toMillis();
        for (long t = NOW; t < s.dueAt; t += DELAY / 7) {
            assertThat(POLICY.afterDiscovery(s, t).kind()).as("rediscovery at +" + (t - NOW) + " ms").isEqualTo(Kind.UNCHANGED);
            assertThat(POLICY.afterObservation(s, "older", false, FailureReason.CLOSED_AFTER_HANDSHAKE, t, t).kind())
                    .as("the answer to an older request").isEqualTo(Kind.UNCHANGED);
            assertThat(POLICY.afterObservation(s, null, true, null, t, t).kind())
                    .as("an incoming session").isEqualTo(Kind.UNCHANGED);
        }
    }

    @Test
    void aPeerIsRevisitedOneDelayAfterWhatWasObservedHoweverLateTheAnswer() {
        for (long late : new long[] {0, 1, 4_000, DELAY / 2, DELAY - 1}) {
            long observedAt = NOW - late;
            assertThat(POLICY.afterObservation(waitingFor("r1"), "r1", true, null, observedAt, NOW))
                    .as("answer " + late + " ms after the observation")
                    .isEqualTo(new Decision(Kind.REVISIT_AT, observedAt + DELAY, 0, 0));
        }
        // an answer later than the delay: at once; an evaluator clock ahead of ours: never more than a delay from now
        assertThat(POLICY.afterObservation(waitingFor("r1"), "r1", true, null, NOW - 3 * DELAY, NOW).at()).isEqualTo(NOW);
        assertThat(POLICY.afterObservation(waitingFor("r1"), "r1", true, null, NOW + DELAY, NOW).at()).isEqualTo(NOW + DELAY);
        assertThat(POLICY.revisitAfter(Long.MAX_VALUE, NOW)).isEqualTo(NOW + DELAY);
    }

    @Test
    void completionIsAConfirmedDownloadOrTheLatestCountAtTheThreshold() {
        PeerState s = peer();
        assertThat(POLICY.complete(s)).as("nothing known").isFalse();
        s.lastPieces = 97;
        assertThat(POLICY.complete(s)).isFalse();
        s.lastPieces = 98;
        assertThat(POLICY.complete(s)).isTrue();
        s.totalPieces = 0;
        assertThat(POLICY.complete(s)).as("unknown total").isFalse();
        s.crossedAt = NOW;
        assertThat(POLICY.complete(s)).isTrue();
    }

    @Test
    void theSettingsRecordCarriesTheRegistryDefaults() {
        RevisitPolicy p = StreamsSettings.defaults().revisitPolicy();
        Settings d = Settings.defaults();
        assertThat(p.revisitDelay()).isEqualTo(d.get(Settings.REVISIT_DELAY));
        assertThat(p.backoffBase()).isEqualTo(d.get(Settings.REVISIT_BACKOFF_BASE));
        assertThat(p.maxFailures()).isEqualTo(d.get(Settings.REVISIT_MAX_FAILURES));
        assertThat(p.completionThreshold()).isEqualTo(d.get(Settings.COMPLETION_THRESHOLD));
    }
}
