package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.streams.TopologyFixture.T0;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Discovery;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.junit.jupiter.api.Test;

class BtdaTopologyTest {
    private static final Duration DELAY = Duration.ofMinutes(30);
    private static final StreamsSettings CFG = StreamsSettings.defaults().withRevisitDelay(DELAY)
            .withBackoff(Duration.ofMinutes(1), 3).withSpeedMinInterval(Duration.ofMinutes(10))
            .withTorrentWait(Duration.ofSeconds(30));

    @Test
    void firstDiscoveryIssuesRequestNowAndKeepsOnlySealedEndpoint() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);

            List<KeyValue<String, ContactRequest>> reqs = f.contacts.readKeyValuesToList();
            assertThat(reqs).hasSize(1);
            ContactRequest r = reqs.get(0).value;
            assertThat(reqs.get(0).key).isEqualTo(TopologyFixture.ref("p1"));
            assertThat(r.getAttempt()).isZero();
            assertThat(r.getDueAt()).isEqualTo(T0);
            assertThat(r.getEndpoint()).isEqualTo(TopologyFixture.endpoint(9));
            assertThat(r.getTotalPieces()).isEqualTo(100);
            assertThat(r.getPieceLength()).isEqualTo(16384);
            assertThat(r.getSource()).isEqualTo(PeerSource.TRACKER);
            assertThat(r.getId()).isNotBlank();

            List<Discovery> d = f.discoveries.readValuesToList();
            assertThat(d).singleElement().satisfies(x -> {
                assertThat(x.getIsNew()).isTrue();
                assertThat(x.getSource()).isEqualTo(PeerSource.TRACKER);
            });

            // state (and so its changelog) holds the endpoint only sealed: the raw address bytes appear nowhere
            PeerState s = f.peerStore().get(TopologyFixture.ref("p1"));
            byte[] stored = PeerStateSerde.write(s);
            assertThat(TestBytes.indexOf(stored, new byte[] {(byte) 198, 51, 100, 9})).isEqualTo(-1);
            assertThat(s.sealedEndpoint).isNotNull();
        }
    }

    @Test
    void duplicateDiscoveryIsCountedForItsSourceAndIssuesNoSecondRequest() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            f.discover("p1", PeerSource.DHT, 9);
            f.discover("p1", PeerSource.DHT, 9);

            assertThat(f.contacts.readValuesToList()).hasSize(1);
            List<Discovery> d = f.discoveries.readValuesToList();
            assertThat(d).extracting(Discovery::getSource, Discovery::getIsNew).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(PeerSource.TRACKER, true),
                    org.assertj.core.groups.Tuple.tuple(PeerSource.DHT, false),
                    org.assertj.core.groups.Tuple.tuple(PeerSource.DHT, false));
            assertThat(d).extracting(Discovery::getId).doesNotHaveDuplicates();
            PeerSummary last = f.lastSummary();
            assertThat(last.getDiscoveries()).isEqualTo(3);
            assertThat(last.getDuplicates()).isEqualTo(2);
            assertThat(last.getSources()).containsExactly(PeerSource.TRACKER, PeerSource.DHT);
            assertThat(last.getFirstSource()).isEqualTo(PeerSource.TRACKER);
        }
    }

    @Test
    void discoveryOfUnknownTorrentWaitsUntilItIsRegistered() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.discover("p1", PeerSource.DHT, 9);
            assertThat(f.contacts.isEmpty()).isTrue();
            f.advance(Duration.ofSeconds(31));
            assertThat(f.contacts.isEmpty()).as("torrent still unknown").isTrue();
            f.registerTorrent(100, 16384);
            f.advance(Duration.ofSeconds(31));
            List<ContactRequest> reqs = f.contacts.readValuesToList();
            assertThat(reqs).singleElement().satisfies(r -> assertThat(r.getTotalPieces()).isEqualTo(100));
        }
    }

    @Test
    void requestIdsAreDistinctVersion4Uuids() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = PeerProcessor.requestId();
            java.util.UUID u = java.util.UUID.fromString(id);
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2);
            assertThat(u.toString()).isEqualTo(id);     // canonical lowercase: the state stores it in 16 bytes
            ids.add(id);
        }
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void peerBelowThresholdIsRevisitedAfterDelayWithANewId() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            ContactRequest first = f.contacts.readValue();
            f.advance(Duration.ofSeconds(5));
            f.observe("p1", first.getId(), f.now(), 10);
            Instant answeredAt = f.now();

            f.advance(DELAY.minusSeconds(2));
            assertThat(f.contacts.isEmpty()).as("not due yet").isTrue();
            f.advance(Duration.ofSeconds(3));
            List<ContactRequest> reqs = f.contacts.readValuesToList();
            assertThat(reqs).hasSize(1);
            ContactRequest second = reqs.get(0);
            assertThat(second.getId()).isNotEqualTo(first.getId());
            assertThat(second.getAttempt()).isZero();
            assertThat(second.getDueAt()).isEqualTo(answeredAt.plus(DELAY));
            assertThat(second.getEndpoint()).isEqualTo(TopologyFixture.endpoint(9));

            // unknown piece count (silence) is revisited too
            f.observe("p1", second.getId(), f.now(), null);
            f.advance(DELAY.plusSeconds(1));
            assertThat(f.contacts.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void peerAtOrAboveThresholdIsNotRevisited() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("seed", PeerSource.TRACKER, 9);
            f.observe("seed", f.contacts.readValue().getId(), f.now(), 100);
            f.advance(DELAY.multipliedBy(3));
            assertThat(f.contacts.isEmpty()).isTrue();
            assertThat(f.confirmed.isEmpty()).as("a seeder first seen complete is no confirmed download").isTrue();
            assertThat(f.lastSummary().getNextContactAt()).isNull();
        }
    }

    @Test
    void failuresBackOffExponentiallyThenParkUntilRediscovered() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            ContactRequest r0 = f.contacts.readValue();

            f.fail("p1", r0.getId(), FailureReason.REFUSED);          // 1st failure: retry after 1 min, attempt 1
            f.advance(Duration.ofSeconds(59));
            assertThat(f.contacts.isEmpty()).isTrue();
            f.advance(Duration.ofSeconds(2));
            ContactRequest r1 = f.contacts.readValue();
            assertThat(r1.getAttempt()).isEqualTo(1);

            f.fail("p1", r1.getId(), FailureReason.CONNECT_TIMEOUT);  // 2nd failure: retry after 2 min, attempt 2
            f.advance(Duration.ofSeconds(119));
            assertThat(f.contacts.isEmpty()).isTrue();
            f.advance(Duration.ofSeconds(2));
            ContactRequest r2 = f.contacts.readValue();
            assertThat(r2.getAttempt()).isEqualTo(2);

            f.fail("p1", r2.getId(), FailureReason.REFUSED);          // 3rd = max-failures: parked
            f.advance(DELAY.multipliedBy(4));
            assertThat(f.contacts.isEmpty()).as("parked peers are not contacted").isTrue();
            PeerSummary parked = f.lastSummary();
            assertThat(parked.getParked()).isTrue();
            assertThat(parked.getFailures()).isEqualTo(3);
            assertThat(parked.getNextContactAt()).isNull();

            f.discover("p1", PeerSource.DHT, 9);                       // rediscovery unparks at once
            ContactRequest r3 = f.contacts.readValue();
            assertThat(r3.getAttempt()).isZero();
            PeerSummary unparked = f.lastSummary();
            assertThat(unparked.getParked()).isFalse();
            assertThat(unparked.getConsecutiveFailures()).isZero();
        }
    }

    @Test
    void confirmedDownloadIsEmittedExactlyOnce() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            f.observe("p1", null, T0.plusSeconds(60), 50);
            f.observe("p1", null, T0.plusSeconds(120), 97);
            f.observe("p1", null, T0.plusSeconds(180), 98);
            f.observe("p1", null, T0.plusSeconds(240), 100);
            f.observe("p1", null, T0.plusSeconds(300), 100);
            f.observe("p1", null, T0.plusSeconds(180), 98);            // a replayed duplicate changes nothing

            List<ConfirmedDownload> c = f.confirmed.readValuesToList();
            assertThat(c).hasSize(1);
            ConfirmedDownload d = c.get(0);
            assertThat(d.getCrossedAt()).isEqualTo(T0.plusSeconds(180));
            assertThat(d.getLastBelowAt()).isEqualTo(T0.plusSeconds(120));
            assertThat(d.getPiecesBelow()).isEqualTo(97);
            assertThat(d.getPiecesAtCrossing()).isEqualTo(98);
            assertThat(d.getTotalPieces()).isEqualTo(100);
            assertThat(d.getThreshold()).isEqualTo(0.98);
            assertThat(d.getVersion()).isEqualTo(1);
            assertThat(d.getClient()).isEqualTo("Transmission 4.0.5");
            assertThat(f.lastSummary().getConfirmedAt()).isEqualTo(T0.plusSeconds(180));
        }
    }

    @Test
    void unknownPiecesProveNothing() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.observe("p1", null, T0.plusSeconds(60), null);           // silence: not zero
            f.observe("p1", null, T0.plusSeconds(120), 100);
            assertThat(f.confirmed.isEmpty()).isTrue();
            f.observe("p1", null, T0.plusSeconds(30), 0);              // a late, earlier known-zero does prove it
            assertThat(f.confirmed.readValuesToList()).singleElement().satisfies(d -> {
                assertThat(d.getCrossedAt()).isEqualTo(T0.plusSeconds(120));
                assertThat(d.getLastBelowAt()).isEqualTo(T0.plusSeconds(30));
                assertThat(d.getPiecesBelow()).isZero();
            });
        }
    }

    @Test
    void lateEarlierObservationCorrectsTheOneRow() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.observe("p1", null, T0.plusSeconds(100), 10);
            f.observe("p1", null, T0.plusSeconds(500), 99);
            f.observe("p1", null, T0.plusSeconds(300), 99);            // evaluator B was slower to report
            f.observe("p1", null, T0.plusSeconds(200), 40);            // and so was this one
            List<ConfirmedDownload> c = f.confirmed.readValuesToList();
            assertThat(c).extracting(ConfirmedDownload::getVersion).containsExactly(1L, 2L, 3L);
            assertThat(c).extracting(ConfirmedDownload::getPeerKey).containsOnly("p1");
            ConfirmedDownload last = c.get(2);
            assertThat(last.getCrossedAt()).isEqualTo(T0.plusSeconds(300));
            assertThat(last.getLastBelowAt()).isEqualTo(T0.plusSeconds(200));
            assertThat(last.getPiecesBelow()).isEqualTo(40);
        }
    }

    @Test
    void sameObservationsInAnyOrderGiveTheSameConfirmedDownloads() {
        // two peers, observations from two evaluators; one peer downloads, one stays below, one is a seeder
        List<Observation> obs = new ArrayList<>();
        int[][] downloader = {{0, 5}, {600, 30}, {900, 60}, {1200, 97}, {1500, 98}, {1800, 100}, {2100, 100}};
        for (int[] o : downloader) obs.add(TopologyFixture.observation(TopologyFixture.IH, "down", null, T0.plusSeconds(o[0]), o[1], 100, 16384));
        obs.add(TopologyFixture.observation(TopologyFixture.IH, "down", null, T0.plusSeconds(1300), null, 100, 16384));
        for (int i = 0; i < 6; i++) obs.add(TopologyFixture.observation(TopologyFixture.IH, "slow", null, T0.plusSeconds(300L * i), 10 + i, 100, 16384));
        for (int i = 0; i < 4; i++) obs.add(TopologyFixture.observation(TopologyFixture.IH, "seed", null, T0.plusSeconds(400L * i), 100, 100, 16384));

        List<String> reference = null;
        Random random = new Random(42);
        for (int round = 0; round < 8; round++) {
            List<Observation> order = new ArrayList<>(obs);
            if (round == 1) Collections.reverse(order);
            else if (round > 1) Collections.shuffle(order, random);
            try (TopologyFixture f = new TopologyFixture(CFG)) {
                f.registerTorrent(100, 16384);
                for (Observation o : order) f.observations.pipeInput(TopologyFixture.ref(o.getPeerKey()), o);
                List<ConfirmedDownload> rows = f.confirmed.readValuesToList();
                // the newest version per peer is what ReplacingMergeTree keeps
                List<String> finalRows = rows.stream()
                        .collect(Collectors.toMap(ConfirmedDownload::getPeerKey, r -> r, (a, b) -> b.getVersion() > a.getVersion() ? b : a))
                        .values().stream()
                        .map(r -> r.getPeerKey() + " crossed " + r.getCrossedAt() + " below " + r.getLastBelowAt()
                                + " " + r.getPiecesBelow() + "->" + r.getPiecesAtCrossing())
                        .sorted().toList();
                assertThat(finalRows).singleElement().asString().startsWith("down crossed " + T0.plusSeconds(1500));
                assertThat(finalRows.get(0)).contains("below " + T0.plusSeconds(1200)).endsWith("97->98");
                if (reference == null) reference = finalRows;
                assertThat(finalRows).isEqualTo(reference);
                assertThat(rows).extracting(ConfirmedDownload::getVersion).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void speedIsMeasuredOnlyBetweenContactsAtLeastMinIntervalApart() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {            // min interval 10 min
            f.registerTorrent(100, 16384);
            f.observe("p1", null, T0, 10);
            f.observe("p1", null, T0.plusSeconds(60), 40);             // +30 pieces in 1 min: too close to count
            assertThat(f.lastSummary().getMaxSpeedBps()).isZero();
            f.observe("p1", null, T0.plusSeconds(660), 50);            // vs T0: 40 pieces in 660 s; vs +60: 10 in 600 s
            long expected = 40L * 16384 * 1000 / 660_000;
            PeerSummary s = f.lastSummary();
            assertThat(s.getMaxSpeedBps()).isEqualTo(expected);
            f.observe("p1", null, T0.plusSeconds(1260), 51);           // slower: the maximum stays
            PeerSummary last = f.lastSummary();
            assertThat(last.getMaxSpeedBps()).isEqualTo(expected);
            assertThat(last.getFirstContactAt()).isEqualTo(T0);
            assertThat(last.getFirstPieces()).isEqualTo(10);
            assertThat(last.getLastContactAt()).isEqualTo(T0.plusSeconds(1260));
            assertThat(last.getLastPieces()).isEqualTo(51);
            assertThat(last.getContacts()).isEqualTo(4);
        }
    }

    @Test
    void summaryVersionsAreMonotonic() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            f.observe("p1", null, T0.plusSeconds(10), 10);
            f.fail("p1", null, FailureReason.RESET);
            List<Long> versions = f.peers.readValuesToList().stream().map(PeerSummary::getVersion).toList();
            assertThat(versions).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void dueStoreIsOrderedByDueTime() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("late", PeerSource.TRACKER, 1);
            f.advance(Duration.ofMinutes(5));
            f.discover("early", PeerSource.TRACKER, 2);
            // both got a fallback revisit: "late" was scheduled 5 minutes before "early"
            List<String> keys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            try (KeyValueIterator<String, String> it = f.driver.<String, String>getKeyValueStore(BtdaTopology.DUE_STORE).all()) {
                it.forEachRemaining(kv -> { keys.add(kv.key); values.add(kv.value); });
            }
            assertThat(keys).hasSize(2);
            assertThat(values).as("the key carries the peer ref; the value is empty").containsOnly("");
            assertThat(DueKeys.peerRef(keys.get(0))).isEqualTo(TopologyFixture.ref("late"));
            assertThat(DueKeys.dueAt(keys.get(0))).isEqualTo(T0.plus(CFG.sessionBound()).toEpochMilli());
            assertThat(keys.get(0)).startsWith("000");
        }
    }
}
