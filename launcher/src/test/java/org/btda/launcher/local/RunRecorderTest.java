package org.btda.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.btda.common.config.Settings;
import org.btda.launcher.BtdaVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run record against a real ClickHouse with the real migrations (V001 + V002). */
class RunRecorderTest {
    private static TestClickHouse ch;

    @BeforeAll
    static void clickhouse() {
        ch = TestClickHouse.shared();
    }

    record Row(long startedAt, Long stoppedAt, boolean clean, Long lastAliveAt, String settings, String version,
               String command) {
    }

    @Test
    void startWritesAnOpenRowWithMaskedSettingsAndACleanStopClosesIt() throws Exception {
        Settings settings = Settings.builder().set(Settings.CLICKHOUSE_PASSWORD.key(), "hunter2")
                .set(Settings.TORRENTS_DIR.key(), "/data/\"odd\" dir").build();
        RunRecorder r = recorder(Duration.ofMinutes(1), Duration.ZERO);
        Instant start = now();
        r.started(start, settings.describe());

        Row open = row(r.runId());
        assertThat(open.startedAt()).isEqualTo(start.toEpochMilli());
        assertThat(open.stoppedAt()).isNull();
        assertThat(open.clean()).isFalse();
        assertThat(open.lastAliveAt()).isEqualTo(start.toEpochMilli());
        assertThat(open.command()).isEqualTo("local");
        assertThat(open.version()).isEqualTo(BtdaVersion.get()).matches("\\d+\\.\\d+.*");
        assertThat(open.settings()).doesNotContain("hunter2").contains("\"clickhouse.password\":\"****\"")
                .contains("\"torrents.dir\":\"/data/\\\"odd\\\" dir\"").startsWith("{").endsWith("}");
        // The column really is JSON: ClickHouse parses it back.
        assertThat(scalar("SELECT JSONExtractString(settings, 'torrents.dir') FROM btda.runs FINAL WHERE run_id = '"
                + r.runId() + "'")).isEqualTo("/data/\"odd\" dir");

        Instant stop = now().plusMillis(5);
        r.stopped(stop, true);
        Row closed = row(r.runId());
        assertThat(closed.stoppedAt()).isEqualTo(stop.toEpochMilli());
        assertThat(closed.clean()).isTrue();
        assertThat(closed.startedAt()).isEqualTo(start.toEpochMilli());
        assertThat(scalar("SELECT count() FROM btda.runs FINAL WHERE run_id = '" + r.runId() + "'")).isEqualTo("1");
    }

    @Test
    void aCrashedRunIsClosedUncleanAtItsLastHeartbeatByTheNextStart() throws Exception {
        RunRecorder crashed = recorder(Duration.ofMillis(200), Duration.ZERO);
        Instant start = now();
        crashed.started(start, Map.of("k", "v"));
        // Let the heartbeat run a few times, then "crash": no stop row, no more heartbeats.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (row(crashed.runId()).lastAliveAt() < start.toEpochMilli() + 400 && System.nanoTime() < deadline) {
            Thread.sleep(100);     // polling interval: the loop ends on the condition (or the deadline, then the assert fails)
        }
        // abandon() and the heartbeat share the recorder's lock and a beat after it sees the run finished: once it
        // returns, no heartbeat write is in flight or still to come, so the row read now is the crashed run's last one.
        crashed.abandon();
        Row before = row(crashed.runId());
        assertThat(before.lastAliveAt()).as("heartbeat advanced").isGreaterThanOrEqualTo(start.toEpochMilli() + 400);
        assertThat(before.stoppedAt()).isNull();

        RunRecorder next = recorder(Duration.ofMinutes(1), Duration.ZERO);
        next.started(now(), Map.of());
        Row after = row(crashed.runId());
        assertThat(after.stoppedAt()).as("stop time = last heartbeat").isEqualTo(before.lastAliveAt());
        assertThat(after.clean()).isFalse();
        assertThat(after.startedAt()).isEqualTo(start.toEpochMilli());
        assertThat(after.settings()).isEqualTo("{\"k\":\"v\"}");
        assertThat(row(next.runId()).stoppedAt()).as("the new run stays open").isNull();
        next.stopped(now(), true);
    }

    @Test
    void onASharedClickHouseARecentlyAliveRunIsNotClosedByAnotherStart() throws Exception {
        RunRecorder other = recorder(Duration.ofMinutes(1), Duration.ZERO);
        other.started(now(), Map.of());
        other.abandon();
        RunRecorder second = recorder(Duration.ofMinutes(1), Duration.ofMinutes(3));
        second.started(now(), Map.of());
        assertThat(row(other.runId()).stoppedAt()).as("its heartbeat is fresh: maybe still running").isNull();
        second.stopped(now(), false);
        Row r = row(second.runId());
        assertThat(r.clean()).isFalse();
        assertThat(r.stoppedAt()).isNotNull();
    }

    private static RunRecorder recorder(Duration heartbeat, Duration staleAfter) {
        return new RunRecorder(ch.url(), "default", "", "local", heartbeat, staleAfter);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Row row(String runId) throws Exception {
        try (Connection c = ch.connect();
             PreparedStatement ps = c.prepareStatement("SELECT toUnixTimestamp64Milli(started_at),"
                     + " toUnixTimestamp64Milli(stopped_at), clean_stop, toUnixTimestamp64Milli(last_alive_at), settings,"
                     + " btda_version, command FROM btda.runs FINAL WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row for run " + runId).isTrue();
                long started = rs.getLong(1);
                long stopped = rs.getLong(2);
                Long stoppedAt = rs.wasNull() ? null : stopped;
                boolean clean = rs.getBoolean(3);
                long alive = rs.getLong(4);
                Long aliveAt = rs.wasNull() ? null : alive;
                return new Row(started, stoppedAt, clean, aliveAt, rs.getString(5), rs.getString(6), rs.getString(7));
            }
        }
    }

    private static String scalar(String sql) throws Exception {
        try (Connection c = ch.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
