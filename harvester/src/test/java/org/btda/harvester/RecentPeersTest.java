package org.btda.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RecentPeersTest {
    private static InetSocketAddress peer(int i) {
        return InetSocketAddress.createUnresolved("10.0.0." + i, 6881);
    }

    @Test
    void newOncePerWindowPerTorrent() {
        RecentPeers r = new RecentPeers(1_000, 100);
        assertThat(r.observe("a", peer(1), 0)).isTrue();
        assertThat(r.observe("a", peer(1), 500)).isFalse();
        assertThat(r.observe("b", peer(1), 500)).as("other torrent").isTrue();
        assertThat(r.observe("a", peer(1), 1_400)).as("last seen 900 ms ago").isFalse();
        assertThat(r.observe("a", peer(1), 2_401)).as("window passed").isTrue();
    }

    @Test
    void boundedPerTorrentEvictingTheLeastRecentlySeen() {
        RecentPeers r = new RecentPeers(60_000, 3);
        for (int i = 1; i <= 3; i++) {
            r.observe("a", peer(i), i);
        }
        r.observe("a", peer(1), 10); // 1 is now the most recent
        r.observe("a", peer(4), 11); // evicts 2
        assertThat(r.size("a")).isEqualTo(3);
        assertThat(r.observe("a", peer(1), 12)).isFalse();
        assertThat(r.observe("a", peer(2), 13)).as("evicted, so new again").isTrue();
    }
}
