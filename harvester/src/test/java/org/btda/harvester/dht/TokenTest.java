package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenTest {
    @Test
    void tokenBoundToAddressAndRotated() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        TokenManager tm = new TokenManager(now::get);
        InetAddress a = InetAddress.getByName("127.0.0.5");
        InetAddress b = InetAddress.getByName("127.0.0.6");
        byte[] token = tm.tokenFor(a);
        assertThat(tm.valid(token, a)).isTrue();
        assertThat(tm.valid(token, b)).isFalse();
        assertThat(tm.valid(new byte[8], a)).isFalse();
        assertThat(tm.valid(null, a)).isFalse();

        now.addAndGet(TokenManager.ROTATE_MILLIS); // one rotation: previous secret still accepted
        assertThat(tm.valid(token, a)).isTrue();
        assertThat(tm.tokenFor(a)).isNotEqualTo(token);

        now.addAndGet(TokenManager.ROTATE_MILLIS); // two rotations: expired
        assertThat(tm.valid(token, a)).isFalse();
    }

    @Test
    void tokenBucketPacesAndBoundsBacklog() {
        AtomicLong nanos = new AtomicLong();
        TokenBucket bucket = new TokenBucket(100, 1_000_000_000L, nanos::get); // burst 10, 1 s backlog
        int immediate = 0;
        while (bucket.reserve() == 0) {
            immediate++;
        }
        assertThat(immediate).isEqualTo(10); // the burst (100 ms worth); the 11th had to wait
        long waits = 0;
        long w;
        int queued = 0;
        while ((w = bucket.reserve()) >= 0) {
            waits = w;
            queued++;
        }
        assertThat(queued).isBetween(95, 100); // ~1 s of backlog at 100/s
        assertThat(waits).isLessThanOrEqualTo(1_000_000_000L);
        nanos.addAndGet(2_000_000_000L);
        assertThat(bucket.reserve()).isZero();
    }
}
