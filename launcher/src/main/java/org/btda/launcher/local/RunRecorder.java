package org.btda.launcher.local;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.btda.launcher.BtdaVersion;
import org.btda.sink.clickhouse.ClickHouseConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One row per start of btda in {@code btda.runs} (ReplacingMergeTree on {@code updated_at}: every write is a complete row
 * with a newer {@code updated_at}). At start the row has no stop time; a heartbeat rewrites it with {@code last_alive_at}
 * every minute; a clean stop writes the stop time and outcome. A run that never wrote its stop row (crash, kill -9) is
 * closed by a later start as unclean, with the stop time = its last heartbeat, so hourly counts can be read against
 * downtime.
 *
 * <p>ClickHouse trouble never stops btda: the run record is bookkeeping, the measurement matters more. Failures are logged
 * and the next heartbeat tries again.
 */
public final class RunRecorder implements Hooks.RunRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
    public static final Duration HEARTBEAT = Duration.ofMinutes(1);
    /**
     * When others may write to the same ClickHouse (a shared server), an open run is only taken for dead when its heartbeat
     * is this old: three missed heartbeats, so a live instance is never closed by another's start.
     */
    public static final Duration SHARED_STALE_AFTER = HEARTBEAT.multipliedBy(3);
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    private static final String INSERT = "INSERT INTO btda.runs (run_id, btda_version, command, settings, started_at,"
            + " stopped_at, clean_stop, last_alive_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String command;
    private final Duration heartbeat;
    private final Duration staleAfter;
    private final String runId = UUID.randomUUID().toString();
    private ScheduledExecutorService timer;
    private Instant startedAt;
    private String settingsJson;
    private long lastVersionMillis;
    private boolean finished;

    /**
     * @param staleAfter how old the heartbeat of an open run must be before this run closes it as unclean; zero when this
     *                   process owns the ClickHouse (nobody else can be running against it)
     */
    public RunRecorder(String jdbcUrl, String user, String password, String command, Duration heartbeat,
                       Duration staleAfter) {
        this.jdbcUrl = ClickHouseConnections.withDatabase(jdbcUrl, "btda");
        this.user = user;
        this.password = password;
        this.command = command;
        this.heartbeat = heartbeat;
        this.staleAfter = staleAfter;
    }

    public String runId() {
        return runId;
    }

    @Override
    public synchronized void started(Instant at, Map<String, String> described) {
        if (startedAt != null) {
            throw new IllegalStateException("run " + runId + " already started");
        }
        startedAt = at;
        settingsJson = json(described);
        write(null, false, at);
        closeDeadRuns(at);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "btda-run-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = heartbeat.toMillis();
        timer.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("run {} recorded in btda.runs", runId);
    }

    @Override
    public synchronized void stopped(Instant at, boolean clean) {
        if (startedAt == null || finished) {
            return;
        }
        finished = true;
        timer.shutdownNow();
        write(at, clean, at);
        LOG.info("run {} stopped {} (recorded)", runId, clean ? "cleanly" : "uncleanly");
    }

    /** What a crash leaves behind: the heartbeat stops and no stop row is written. For tests. */
    synchronized void abandon() {
        finished = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private synchronized void beat() {
        if (finished) {
            return;
        }
        Instant now = Instant.now();
        write(null, false, now);
        // Also here, not only at start: with a shared ClickHouse a crashed run becomes stale only after a while.
        closeDeadRuns(now);
    }

    private void write(Instant stoppedAt, boolean clean, Instant aliveAt) {
        // The version must grow with every write, also when two writes fall into the same millisecond.
        long version = Math.max(System.currentTimeMillis(), lastVersionMillis + 1);
        try (Connection c = ClickHouseConnections.open(jdbcUrl, user, password);
             PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, runId);
            ps.setString(2, BtdaVersion.get());
            ps.setString(3, command);
            ps.setString(4, settingsJson);
            ps.setTimestamp(5, Timestamp.from(startedAt), UTC);
            if (stoppedAt == null) {
                ps.setNull(6, Types.TIMESTAMP);
            } else {
                ps.setTimestamp(6, Timestamp.from(stoppedAt), UTC);
            }
            ps.setBoolean(7, clean);
            ps.setTimestamp(8, Timestamp.from(aliveAt), UTC);
            ps.setTimestamp(9, Timestamp.from(Instant.ofEpochMilli(version)), UTC);
            ps.executeUpdate();
            lastVersionMillis = version;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot write run record {} to {}: {}", runId, jdbcUrl, e.getMessage());
        }
    }

    /**
     * Closes every earlier run without a stop time whose last sign of life is older than {@code staleAfter}: unclean, stopped
     * at its last heartbeat (its start when it never beat). Done in ClickHouse with one INSERT ... SELECT; only values this
     * class made (a UUID, numbers) go into the SQL text.
     */
    private void closeDeadRuns(Instant now) {
        long cutoff = now.minus(staleAfter).toEpochMilli();
        String sql = "INSERT INTO btda.runs (run_id, btda_version, command, settings, started_at, stopped_at, clean_stop,"
                + " last_alive_at, updated_at)"
                + " SELECT run_id, btda_version, command, settings, started_at, ifNull(last_alive_at, started_at), false,"
                + " last_alive_at, greatest(now64(3, 'UTC'), updated_at + toIntervalMillisecond(1))"
                + " FROM btda.runs FINAL"
                + " WHERE stopped_at IS NULL AND run_id != '" + runId + "'"
                + " AND started_at <= fromUnixTimestamp64Milli(toInt64(" + startedAt.toEpochMilli() + "), 'UTC')"
                + " AND ifNull(last_alive_at, started_at) <= fromUnixTimestamp64Milli(toInt64(" + cutoff + "), 'UTC')";
        try (Connection c = ClickHouseConnections.open(jdbcUrl, user, password);
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot close earlier runs in {}: {}", jdbcUrl, e.getMessage());
        }
    }

    /** The described settings as a JSON object of strings (the column's documented format). */
    static String json(Map<String, String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            quote(sb, e.getKey());
            sb.append(':');
            quote(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
