package org.btda.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.btda.common.config.Settings;
import org.btda.harvester.HarvesterConfig;
import org.btda.harvester.HarvesterService;
import org.btda.launcher.Service;
import org.btda.launcher.local.TestClickHouse;
import org.btda.sink.ClickHouseSinkService;
import org.btda.sink.SinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counter plumbing: services' own counters and ClickHouse's counts reach the figures. */
class StatusCountersTest {
    @TempDir
    Path dir;

    /** A service exposing one concrete object through {@link Service#unwrap}, as the catalog's adapters do. */
    private static Service wrapping(Object inner) {
        return new Service() {
            @Override
            public String name() {
                return inner.getClass().getSimpleName();
            }

            @Override
            public void start() {
            }

            @Override
            public void close() {
            }

            @Override
            public <T> Optional<T> unwrap(Class<T> type) {
                return type.isInstance(inner) ? Optional.of(type.cast(inner)) : Optional.empty();
            }
        };
    }

    @Test
    void figuresComeFromTheServicesCountersAndMissingServicesAreUnknown() {
        Settings settings = Settings.builder().set(Settings.STATE_DIR.key(), dir.toString()).build();
        HarvesterService harvester = new HarvesterService(HarvesterConfig.from(settings.with(Settings.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1")));
        harvester.stats().torrentsRegistered.addAndGet(5);
        harvester.stats().torrentsUnregistered.addAndGet(2);
        ClickHouseSinkService sink = new ClickHouseSinkService(SinkConfig.from(settings).withBootstrapServers("127.0.0.1:1")
                .withClickHouse("jdbc:clickhouse://127.0.0.1:1", "default", ""));
        StatusCounters counters = new StatusCounters(() -> List.of(wrapping(harvester), wrapping(sink)),
                () -> new ClickHouseCounts.Counts(11L, 4L));
        StatusFigures f = counters.get();
        assertThat(f.torrents()).isEqualTo(3L);
        assertThat(f.rowsInserted()).as("sink not started yet: nothing inserted").isZero();
        assertThat(f.contacts()).as("no evaluator in this process").isNull();
        assertThat(f.observations()).isNull();
        assertThat(f.peersKnown()).isEqualTo(11L);
        assertThat(f.confirmedDownloads()).isEqualTo(4L);

        harvester.stats().torrentsRegistered.incrementAndGet();
        assertThat(counters.get().torrents()).as("read live at every call").isEqualTo(4L);
    }

    @Test
    void clickHouseCountsDistinctPeersAndFoldedDownloads() throws Exception {
        TestClickHouse ch = TestClickHouse.shared();
        ClickHouseCounts counts = new ClickHouseCounts(ch.url(), "default", "");
        ClickHouseCounts.Counts before = counts.read();
        assertThat(before.peersKnown()).isNotNull();
        String ih = UUID.randomUUID().toString().replace("-", "") + "00000000";
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            // Peer a in two versions, peer b once: two peers. Download c corrected once, d once: two downloads.
            st.execute("INSERT INTO btda.peers (info_hash, peer_key, first_seen_at, last_seen_at, total_pieces,"
                    + " max_speed_bps, contacts, failures, sources, identity, parked, version) VALUES"
                    + " ('" + ih + "', 'a" + ih + "', now64(3), now64(3), 10, 0, 1, 0, [], 'LISTEN_PORT', false, 1),"
                    + " ('" + ih + "', 'a" + ih + "', now64(3), now64(3), 10, 0, 2, 0, [], 'LISTEN_PORT', false, 2),"
                    + " ('" + ih + "', 'b" + ih + "', now64(3), now64(3), 10, 0, 1, 0, [], 'LISTEN_PORT', false, 1)");
            st.execute("INSERT INTO btda.confirmed_downloads (info_hash, peer_key, crossed_at, last_below_at,"
                    + " pieces_below, pieces_at_crossing, total_pieces, threshold, version) VALUES"
                    + " ('" + ih + "', 'c', now64(3), now64(3), 1, 10, 10, 0.98, 1),"
                    + " ('" + ih + "', 'c', now64(3), now64(3), 2, 10, 10, 0.98, 2),"
                    + " ('" + ih + "', 'd', now64(3), now64(3), 1, 10, 10, 0.98, 1)");
        }
        ClickHouseCounts.Counts after = counts.read();
        assertThat(after.peersKnown() - before.peersKnown()).isEqualTo(2);
        assertThat(after.confirmedDownloads() - before.confirmedDownloads()).isEqualTo(2);
    }

    @Test
    void anUnreachableClickHouseGivesUnknownCounts() {
        int dead = org.btda.launcher.kafka.FreePorts.loopback();
        ClickHouseCounts counts = new ClickHouseCounts("jdbc:clickhouse://127.0.0.1:" + dead, "default", "");
        assertThat(counts.read()).isEqualTo(new ClickHouseCounts.Counts(null, null));
    }
}
