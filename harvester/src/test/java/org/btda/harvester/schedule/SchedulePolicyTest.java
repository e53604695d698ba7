package org.btda.harvester.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulePolicyTest {
    private static SchedulePolicy policy(Optional<Duration> cap) {
        return new SchedulePolicy(Duration.ofMinutes(5), Duration.ofMinutes(2), cap, Duration.ofMinutes(15),
                Duration.ofSeconds(15), Duration.ofMinutes(10), 200);
    }

    @Test
    void intervalHonoursTrackerWithinFloorAndCap() {
        SchedulePolicy p = policy(Optional.empty());
        assertThat(p.announceInterval(Duration.ofMinutes(30), null)).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.announceInterval(Duration.ofSeconds(10), null)).as("floor").isEqualTo(Duration.ofMinutes(2));
        assertThat(p.announceInterval(Duration.ofMinutes(3), Duration.ofMinutes(4))).as("tracker min interval").isEqualTo(Duration.ofMinutes(4));
        assertThat(p.announceInterval(null, null)).as("default").isEqualTo(Duration.ofMinutes(5));
        SchedulePolicy capped = policy(Optional.of(Duration.ofSeconds(20)));
        assertThat(capped.announceInterval(Duration.ofMinutes(30), Duration.ofMinutes(15))).as("cap wins").isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        SchedulePolicy p = policy(Optional.empty());
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(120));
        assertThat(p.backoff(6)).isEqualTo(Duration.ofMinutes(8));
        assertThat(p.backoff(7)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.backoff(1000)).isEqualTo(Duration.ofMinutes(10));
    }
}
