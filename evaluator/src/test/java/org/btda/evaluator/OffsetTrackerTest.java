package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    final TopicPartition p0 = new TopicPartition("c", 0);
    final TopicPartition p1 = new TopicPartition("c", 1);

    @Test
    void commitsOnlyUpToTheOldestUnacknowledgedContact() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) t.begin(p0, o);
        assertThat(t.committable()).isEmpty();
        t.complete(p0, 12);
        t.complete(p0, 13);
        assertThat(t.committable()).as("10 and 11 still in flight").isEmpty();
        t.complete(p0, 10);
        assertThat(t.committable()).containsExactly(Map.entry(p0, 11L));
        t.complete(p0, 11);
        assertThat(t.committable()).containsExactly(Map.entry(p0, 14L));
        t.markCommitted(Map.of(p0, 14L));
        assertThat(t.committable()).as("nothing new since the last commit").isEmpty();
        t.complete(p0, 14);
        assertThat(t.committable()).containsExactly(Map.entry(p0, 15L));
        assertThat(t.inFlight(p0)).isZero();
    }

    @Test
    void partitionsAreIndependentAndRevokedOnesAreForgotten() {
        OffsetTracker t = new OffsetTracker();
        t.begin(p0, 0);
        t.begin(p1, 100);
        t.begin(p1, 101);
        t.complete(p1, 101);
        t.complete(p0, 0);
        assertThat(t.committable()).containsExactly(Map.entry(p0, 1L));
        assertThat(t.totalInFlight()).isEqualTo(1);
        t.forget(List.of(p1));
        t.complete(p1, 100); // late ack after revocation: ignored
        assertThat(t.committable()).containsExactly(Map.entry(p0, 1L));
        assertThat(t.committable(p1)).isEmpty();
    }

    @Test
    void gapsInOffsetsFromCompactionOrTransactionsDoNotBlock() {
        OffsetTracker t = new OffsetTracker();
        t.begin(p0, 5);
        t.begin(p0, 9); // 6..8 were transaction markers
        t.complete(p0, 9);
        t.complete(p0, 5);
        assertThat(t.committable(p0)).hasValue(10L);
    }
}
