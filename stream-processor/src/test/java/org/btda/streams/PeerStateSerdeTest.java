package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PeerStateSerdeTest {
    @Test
    void roundTripsEveryField() {
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
        byte[] bytes = PeerStateSerde.write(s);
        PeerState r = PeerStateSerde.read(bytes);
        assertThat(r).usingRecursiveComparison().isEqualTo(s);
        assertThat(PeerStateSerde.write(r)).isEqualTo(bytes);
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
