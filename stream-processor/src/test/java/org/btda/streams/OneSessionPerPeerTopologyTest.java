package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.btda.common.config.Settings;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.PeerSource;
import org.junit.jupiter.api.Test;

/**
 * One session per peer at a time, and crossing precision, through the topology: with revisit delay R, a request is
 * issued only when no session for the previous one can be open, and a peer answering every contact is looked at every
 * R + (time from a request's due time to its piece count), however late the answers reach the processor.
 */
class OneSessionPerPeerTopologyTest {
    private static final Duration R = Duration.ofSeconds(15);
    private static final StreamsSettings CFG = StreamsSettings.defaults().withRevisitDelay(R)
            .withBackoff(Duration.ofMinutes(1), 3).withThreshold(0.98);
    private static final Duration TICK = Duration.ofSeconds(1);

    @Test
    void noSecondRequestIsIssuedWhileTheFirstMayStillBeInASession() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            ContactRequest first = f.contacts.readValue();
            // a session streaming haves may run to the session cap; the peer is rediscovered by PEX and trackers meanwhile
            Duration waited = Duration.ZERO;
            while (waited.compareTo(CFG.sessionBound().minus(TICK)) < 0) {
                f.advance(TICK);
                waited = waited.plus(TICK);
                if (waited.toSeconds() % 10 == 0) f.discover("p1", waited.toSeconds() % 20 == 0 ? PeerSource.PEX : PeerSource.TRACKER, 9);
                assertThat(f.contacts.isEmpty()).as("a request " + waited + " after the unanswered first").isTrue();
            }
            assertThat(waited).isGreaterThan(R.multipliedBy(4));
            // the answer ends the wait: the next contact is one revisit delay after what it observed
            Instant observedAt = f.now().minusSeconds(2);
            f.observe("p1", first.getId(), observedAt, 10);
            f.advance(R.minusSeconds(3));
            assertThat(f.contacts.isEmpty()).isTrue();
            f.advance(TICK.multipliedBy(2));
            ContactRequest second = f.contacts.readValue();
            assertThat(second.getDueAt()).isEqualTo(observedAt.plus(R));
            assertThat(f.contacts.isEmpty()).isTrue();
        }
    }

    @Test
    void anUnansweredRequestIsRepeatedOnceNoSessionForItCanBeOpen() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            ContactRequest first = f.contacts.readValue();
            f.advance(CFG.sessionBound().minus(TICK));
            assertThat(f.contacts.isEmpty()).isTrue();
            f.advance(TICK.multipliedBy(2));
            ContactRequest repeat = f.contacts.readValue();
            assertThat(repeat.getId()).isNotEqualTo(first.getId());
            // the lost answer turns up after all: it no longer drives the schedule, the repeat's answer does
            f.observe("p1", first.getId(), f.now(), 10);
            f.advance(R.plus(TICK));
            assertThat(f.contacts.isEmpty()).as("a late answer to the superseded request").isTrue();
            f.fail("p1", repeat.getId(), FailureReason.REFUSED);
            assertThat(f.lastSummary().getConsecutiveFailures()).isEqualTo(1);
        }
    }

    /**
     * A leecher downloading at a steady rate, answering every contact: each request's piece count is learnt within
     * {@code contact} (connect + handshake + bitfield + grace, at most network.timeout) of its due time, and the answer
     * reaches the processor up to 10 s later still. Every confirmed download's bracket is at most R + network.timeout.
     */
    @Test
    void everyBracketOfAReachablePeerIsAtMostOneRevisitPlusTheNetworkTimeout() {
        Duration timeout = Settings.defaults().get(Settings.NETWORK_TIMEOUT);
        Random rnd = new Random(11);
        for (int run = 0; run < 20; run++) {
            try (TopologyFixture f = new TopologyFixture(CFG)) {
                f.registerTorrent(100, 16384);
                long start = f.now().toEpochMilli();
                long downloadMs = 60_000 + rnd.nextInt(240_000);          // 1..5 minutes from 0 to 100 pieces
                f.discover("p1", PeerSource.TRACKER, 9);
                ConfirmedDownload confirmed = null;
                for (int step = 0; step < 2_000 && confirmed == null; step++) {
                    List<ContactRequest> reqs = f.contacts.readValuesToList();
                    assertThat(reqs).as("one request at a time").hasSizeLessThanOrEqualTo(1);
                    if (reqs.isEmpty()) {
                        f.advance(TICK);
                        continue;
                    }
                    ContactRequest req = reqs.get(0);
                    // learnt within the network timeout of the request being sent, less the punctuation's second
                    long contactMs = rnd.nextInt((int) timeout.minus(TICK).toMillis());
                    long answerMs = rnd.nextInt(10_000);
                    long observedAt = f.now().toEpochMilli() + contactMs;
                    int pieces = (int) Math.min(100, 100 * (observedAt - start) / downloadMs);
                    f.advance(Duration.ofMillis(contactMs + answerMs));
                    f.observe("p1", req.getId(), Instant.ofEpochMilli(observedAt), pieces);
                    List<ConfirmedDownload> c = f.confirmed.readValuesToList();
                    if (!c.isEmpty()) confirmed = c.get(c.size() - 1);
                }
                assertThat(confirmed).as("run " + run + ": confirmed").isNotNull();
                long bracket = confirmed.getCrossedAt().toEpochMilli() - confirmed.getLastBelowAt().toEpochMilli();
                assertThat(bracket).as("run " + run + ": crossed_at - last_below_at (ms)")
                        .isPositive().isLessThanOrEqualTo(R.plus(timeout).toMillis());
            }
        }
    }
}
