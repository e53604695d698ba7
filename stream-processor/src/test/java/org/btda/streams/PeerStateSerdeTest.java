package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PeerStateSerdeTest {
    /**
     * {@link #sample()} as written by format 1 (the serializer before enrichment), captured from that code: stores and
     * changelogs of running deployments hold exactly these bytes.
     */
    private static final String FORMAT_1_SAMPLE = "0100000003010203000000010000000200000005000000000000000b0000000300000002000000000000000c00000000000000000d01000000630000006400000000000040000000000000000309000000040000000100000001010000001171426974746f7272656e7420342e362e300000000e3230332e302e3131332e302f323400000002000000000000000c0000000a000000000000000d00000063000000000000000d000000000000000c0000000a00000063000000000000000100000014303030303030303030303030303032307c783a7900000000000000140000000200000001720000000000000009";

    @Test
    void readsFormat1WrittenBeforeEnrichment() {
        byte[] old = HexFormat.of().parseHex(FORMAT_1_SAMPLE);
        assertThat(old[0]).isEqualTo((byte) 1);
        PeerState r = PeerStateSerde.read(old);
        assertThat(r).usingRecursiveComparison().isEqualTo(sample());
        assertThat(r.city).isNull();
        assertThat(r.latitude).isNull();
        assertThat(r.asn).isNull();
        assertThat(r.address).isNull();
        // re-written in format 2: same body, then an empty enrichment mask
        byte[] now = PeerStateSerde.write(r);
        assertThat(now[0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(now, 1, old.length)).isEqualTo(Arrays.copyOfRange(old, 1, old.length));
        assertThat(Arrays.copyOfRange(now, old.length, now.length)).containsExactly(0, 0);
    }

    @Test
    void roundTripsEveryFieldIncludingEnrichment() {
        PeerState s = sample();
        s.city = "Zürich";
        s.country = "CH";
        s.continent = "EU";
        s.latitude = 47.4;
        s.longitude = 8.5;
        s.asn = 4_200_000_000L;
        s.asOrg = "Example AG";
        s.domain = "example.ch";
        s.address = "198.51.100.7";
        byte[] bytes = PeerStateSerde.write(s);
        PeerState r = PeerStateSerde.read(bytes);
        assertThat(r).usingRecursiveComparison().isEqualTo(s);
        assertThat(PeerStateSerde.write(r)).isEqualTo(bytes);
    }

    @Test
    void roundTripsPartialEnrichment() {
        PeerState s = sample();
        s.country = "NL";
        s.longitude = -0.1;
        s.domain = "example.net";
        PeerState r = PeerStateSerde.read(PeerStateSerde.write(s));
        assertThat(r).usingRecursiveComparison().isEqualTo(s);
        assertThat(r.city).isNull();
        assertThat(r.latitude).isNull();
        assertThat(r.asn).isNull();
    }

    @Test
    void rejectsUnknownEnrichmentBits() {
        byte[] ok = PeerStateSerde.write(sample());
        byte[] bad = ok.clone();
        bad[bad.length - 2] = (byte) 0x80;      // a mask bit no format-2 writer sets
        assertThatThrownBy(() -> PeerStateSerde.read(bad)).isInstanceOf(SerializationException.class);
    }

    @Test
    void roundTripsEveryField() {
        PeerState s = sample();
        byte[] bytes = PeerStateSerde.write(s);
        PeerState r = PeerStateSerde.read(bytes);
        assertThat(r).usingRecursiveComparison().isEqualTo(s);
        assertThat(PeerStateSerde.write(r)).isEqualTo(bytes);
    }

    private static PeerState sample() {
        PeerState s = new PeerState();
        s.sealedEndpoint = new byte[] {1, 2, 3};
        s.identity = 1;
        s.firstSource = 2;
        s.sourcesMask = 5;
        s.firstSeenAt = 11;
        s.discoveries = 3;
        s.duplicates = 2;
        s.firstContactAt = 12;
        s.firstPieces = null;
        s.lastContactAt = 13;
        s.lastPieces = 99;
        s.totalPieces = 100;
        s.pieceLength = 16384;
        s.maxSpeedBps = 777;
        s.contacts = 4;
        s.failures = 1;
        s.consecutiveFailures = 1;
        s.parked = true;
        s.client = "qBittorrent 4.6.0";
        s.network = "203.0.113.0/24";
        s.samples.add(new PeerState.Sample(12, 10));
        s.samples.add(new PeerState.Sample(13, 99));
        s.crossedAt = 13;
        s.lastBelowAt = 12;
        s.piecesBelow = 10;
        s.piecesAtCrossing = 99;
        s.confirmedVersion = 1;
        s.dueKey = DueKeys.of(20, "x:y");
        s.dueAt = 20;
        s.nextAttempt = 2;
        s.outstandingRequestId = "r";
        s.summaryVersion = 9;
        return s;
    }

    @Test
    void rejectsTruncatedTrailingAndUnknownFormats() {
        byte[] ok = PeerStateSerde.write(new PeerState());
        assertThatThrownBy(() -> PeerStateSerde.read(Arrays.copyOf(ok, ok.length - 3))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> PeerStateSerde.read(Arrays.copyOf(ok, ok.length + 1))).isInstanceOf(SerializationException.class);
        byte[] other = ok.clone();
        other[0] = 9;
        assertThatThrownBy(() -> PeerStateSerde.read(other)).isInstanceOf(SerializationException.class);
    }
}
