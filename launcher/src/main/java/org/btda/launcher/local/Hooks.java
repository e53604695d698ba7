package org.btda.launcher.local;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.btda.common.config.Settings;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps of {@code btda local} whose work other modules own: the ClickHouse schema (stream-processor's migrations) and the
 * run record (an extension point until the sink offers one).
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

    /**
     * EXTENSION POINT (stream-processor owns the sink): record a run row (start time, effective settings without secrets)
     * when everything is up, and close it with the stop time and outcome at shutdown.
     */
    interface RunRecorder {
        void started(Instant at, Map<String, String> settings);

        void stopped(Instant at, boolean clean);
    }

    static RunRecorder runRecorder(Settings settings) {
        return new RunRecorder() {
            @Override
            public void started(Instant at, Map<String, String> described) {
                LOG.debug("run started at {} (not recorded: no run sink wired)", at);
            }

            @Override
            public void stopped(Instant at, boolean clean) {
                LOG.debug("run stopped at {} clean={} (not recorded: no run sink wired)", at, clean);
            }
        };
    }
}
