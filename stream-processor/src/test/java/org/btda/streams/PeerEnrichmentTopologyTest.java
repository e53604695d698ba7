package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.streams.TopologyFixture.IH;
import static org.btda.streams.TopologyFixture.T0;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.junit.jupiter.api.Test;

/** Enrichment of observations reaches the peer summaries through the state store, and nulls never erase it. */
class PeerEnrichmentTopologyTest {
    private static final StreamsSettings CFG = StreamsSettings.defaults().withRevisitDelay(Duration.ofMinutes(30))
            .withBackoff(Duration.ofMinutes(1), 3);
    private static final String ADDRESS = "198.51.100.9";

    @Test
    void enrichmentIsKeptAcrossFailuresAndBareObservationsAndLatestWins() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p1", PeerSource.TRACKER, 9);
            String req = onlyRequest(f);
            assertThat(f.lastSummary().getCountry()).as("nothing known before a contact").isNull();

            f.observations.pipeInput(TopologyFixture.ref("p1"), enriched("p1", req, T0.plusSeconds(1), 10));
            PeerSummary s = f.lastSummary();
            assertEnriched(s, "Amsterdam", "NL", 64500L);
            assertThat(s.getAddress()).as("no address without privacy.store-addresses").isNull();
            assertThat(f.peerStore().get(TopologyFixture.ref("p1")).address).isNull();
            assertThat(TestBytes.indexOf(PeerStateSerde.write(f.peerStore().get(TopologyFixture.ref("p1"))),
                    ADDRESS.getBytes(StandardCharsets.UTF_8))).as("plain address nowhere in the stored state").isEqualTo(-1);

            // a failed contact carries no enrichment: the summary it causes still has everything
            f.advance(Duration.ofMinutes(31));
            String retry = onlyRequest(f);
            f.fail("p1", retry, FailureReason.CONNECT_TIMEOUT);
            PeerSummary afterFailure = f.lastSummary();
            assertThat(afterFailure.getFailures()).isEqualTo(1);
            assertEnriched(afterFailure, "Amsterdam", "NL", 64500L);

            // a later successful contact whose lookups found nothing does not erase either
            f.observe("p1", null, f.now(), 20);
            PeerSummary bare = f.lastSummary();
            assertThat(bare.getLastPieces()).isEqualTo(20);
            assertEnriched(bare, "Amsterdam", "NL", 64500L);

            // a later contact with other values replaces them (the peer moved), field by field
            f.observations.pipeInput(TopologyFixture.ref("p1"), Observation.newBuilder(TopologyFixture.observation(IH, "p1", null,
                    f.now().plusSeconds(5), 30, 100, 16384)).setCountry("DE").setAsn(64501L).build());
            PeerSummary moved = f.lastSummary();
            assertThat(moved.getCountry()).isEqualTo("DE");
            assertThat(moved.getAsn()).isEqualTo(64501L);
            assertThat(moved.getCity()).as("not in the newer observation: kept").isEqualTo("Amsterdam");

            // an older observation arriving late only fills gaps, it does not overwrite newer values
            f.observations.pipeInput(TopologyFixture.ref("p1"), Observation.newBuilder(TopologyFixture.observation(IH, "p1", null,
                    T0, 5, 100, 16384)).setCountry("FR").setCity("Paris").build());
            PeerSummary late = f.lastSummary();
            assertThat(late.getCountry()).isEqualTo("DE");
            assertThat(late.getCity()).isEqualTo("Amsterdam");
        }
    }

    @Test
    void olderObservationFillsUnknownFieldsAndCoordinatesComeAsAPair() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.observe("p2", null, T0.plusSeconds(100), 10);      // newest contact, nothing looked up
            assertThat(f.lastSummary().getCity()).isNull();
            f.observations.pipeInput(TopologyFixture.ref("p2"), enriched("p2", null, T0, 5));
            assertEnriched(f.lastSummary(), "Amsterdam", "NL", 64500L);

            // a latitude without a longitude is not half a location
            f.observations.pipeInput(TopologyFixture.ref("p2"), Observation.newBuilder(TopologyFixture.observation(IH, "p2", null,
                    T0.plusSeconds(200), 11, 100, 16384)).setLatitude(1.0).build());
            PeerSummary s = f.lastSummary();
            assertThat(s.getLatitude()).isEqualTo(52.4);
            assertThat(s.getLongitude()).isEqualTo(4.9);
        }
    }

    @Test
    void addressIsKeptOnlyWithTheOptIn() {
        try (TopologyFixture f = new TopologyFixture(CFG.withStoreAddresses(true))) {
            f.registerTorrent(100, 16384);
            f.observations.pipeInput(TopologyFixture.ref("p3"), enriched("p3", null, T0, 5));
            assertThat(f.lastSummary().getAddress()).isEqualTo(ADDRESS);
            f.fail("p3", null, FailureReason.CONNECT_TIMEOUT);
            assertThat(f.lastSummary().getAddress()).isEqualTo(ADDRESS);
        }
    }

    @Test
    void aPeerFoundButNeverReachedHasItsAddressWithTheOptInOnly() {
        try (TopologyFixture f = new TopologyFixture(CFG.withStoreAddresses(true))) {
            f.registerTorrent(100, 16384);
            f.discover("p4", PeerSource.PEX, 44);
            PeerSummary s = f.lastSummary();
            assertThat(s.getContacts()).isZero();
            assertThat(s.getAddress()).as("from the discovery, before any contact").isEqualTo("198.51.100.44");
        }
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.registerTorrent(100, 16384);
            f.discover("p4", PeerSource.PEX, 44);
            assertThat(f.lastSummary().getAddress()).isNull();
        }
    }

    private static Observation enriched(String peerKey, String requestId, Instant at, int pieces) {
        return Observation.newBuilder(TopologyFixture.observation(IH, peerKey, requestId, at, pieces, 100, 16384))
                .setNetwork("198.51.100.0/24").setCity("Amsterdam").setCountry("NL").setContinent("EU").setLatitude(52.4)
                .setLongitude(4.9).setAsn(64500L).setAsOrg("Example Transit NL").setDomain("example.net")
                .setAddress(ADDRESS).build();
    }

    private static void assertEnriched(PeerSummary s, String city, String country, long asn) {
        assertThat(s.getCity()).isEqualTo(city);
        assertThat(s.getCountry()).isEqualTo(country);
        assertThat(s.getContinent()).isEqualTo("EU");
        assertThat(s.getLatitude()).isEqualTo(52.4);
        assertThat(s.getLongitude()).isEqualTo(4.9);
        assertThat(s.getAsn()).isEqualTo(asn);
        assertThat(s.getAsOrg()).isEqualTo("Example Transit NL");
        assertThat(s.getDomain()).isEqualTo("example.net");
        assertThat(s.getNetwork()).isEqualTo("198.51.100.0/24");
        assertThat(s.getClient()).isEqualTo("Transmission 4.0.5");
    }

    private static String onlyRequest(TopologyFixture f) {
        List<ContactRequest> reqs = f.contacts.readValuesToList();
        assertThat(reqs).hasSize(1);
        return reqs.get(0).getId();
    }
}
