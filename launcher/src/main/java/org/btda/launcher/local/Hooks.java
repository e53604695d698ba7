package org.btda.launcher.local;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.btda.common.config.Settings;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps of {@code btda local} beside the services: the ClickHouse schema (stream-processor's migrations) and the run
 * record.
 */
final class Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    private Hooks() {
    }

    /** Schema first, so the sink and anyone querying find every table; the sink's own start repeats this idempotently. */
    static void applyMigrations(Settings settings, String jdbcUrl) {
        Map<String, String> params = Map.of(
                "observations_retention_days", Integer.toString(settings.get(Settings.OBSERVATIONS_RETENTION_DAYS)));
        List<String> applied;
        try {
            applied = ClickHouseMigrations.apply(jdbcUrl, settings.get(Settings.CLICKHOUSE_USER),
                    settings.get(Settings.CLICKHOUSE_PASSWORD), params);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply ClickHouse migrations at " + jdbcUrl + ": " + e.getMessage(), e);
        }
        LOG.info("ClickHouse schema current ({} migration(s) applied now)", applied.size());
    }

    /** The run record in {@code btda.runs}: written when everything is up, closed with the stop time and outcome. */
    interface RunRecorder {
        void started(Instant at, Map<String, String> settings);

        void stopped(Instant at, boolean clean);
    }

    /**
     * A {@link org.btda.launcher.local.RunRecorder} when a ClickHouse URL is known, else one that only logs.
     *
     * @param command         the btda command being run ({@code local}, {@code stream-processor})
     * @param ownsClickHouse  true when this process started the ClickHouse itself: then no other btda can be running
     *                        against it and every open run is a dead one; otherwise open runs are closed only once their
     *                        heartbeat is {@link org.btda.launcher.local.RunRecorder#SHARED_STALE_AFTER} old
     */
    static RunRecorder runRecorder(Settings settings, String command, boolean ownsClickHouse) {
        String url = settings.get(Settings.CLICKHOUSE_URL);
        if (!url.isBlank()) {
            return new org.btda.launcher.local.RunRecorder(url, settings.get(Settings.CLICKHOUSE_USER),
                    settings.get(Settings.CLICKHOUSE_PASSWORD), command, org.btda.launcher.local.RunRecorder.HEARTBEAT,
                    ownsClickHouse ? Duration.ZERO : org.btda.launcher.local.RunRecorder.SHARED_STALE_AFTER);
        }
        return new RunRecorder() {
            @Override
            public void started(Instant at, Map<String, String> described) {
                LOG.info("run started at {} (not recorded: clickhouse.url is empty)", at);
            }

            @Override
            public void stopped(Instant at, boolean clean) {
                LOG.info("run stopped at {} clean={} (not recorded: clickhouse.url is empty)", at, clean);
            }
        };
    }
}
