package org.btda.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class LifecycleTest {
    @Test
    void closesInReverseStartOrderExactlyOnce() {
        List<String> closed = new CopyOnWriteArrayList<>();
        Lifecycle l = new Lifecycle();
        l.add("kafka", () -> closed.add("kafka"));
        l.addClosedLast("clickhouse", () -> closed.add("clickhouse"));
        for (String name : List.of("stream-processor", "evaluator", "harvester")) {
            l.add(name, () -> closed.add(name));
        }
        assertThat(l.closeAll(Duration.ofSeconds(5))).isTrue();
        assertThat(l.closeAll(Duration.ofSeconds(5))).isTrue();
        assertThat(closed).containsExactly("harvester", "evaluator", "stream-processor", "kafka", "clickhouse");
        assertThat(l.size()).isZero();
    }

    @Test
    void aFailingOrHungComponentDoesNotKeepTheOthersRunning() throws Exception {
        List<String> closed = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        Lifecycle l = new Lifecycle();
        l.add("kafka", () -> closed.add("kafka"));
        l.add("hung", never::await);
        l.add("failing", () -> {
            throw new IllegalStateException("boom");
        });
        l.add("harvester", () -> closed.add("harvester"));
        long t0 = System.nanoTime();
        assertThat(l.closeAll(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(closed).containsExactly("harvester", "kafka");
    }
}
