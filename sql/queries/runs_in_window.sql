-- Report header: which btda runs measured the window, with which version and settings?
--
-- From btda.runs (FINAL: the stop row wins). A run is in the window when it overlaps [from, to); a run still up
-- (no stopped_at) reaches until now. settings is the run's effective settings as a JSON object of strings
-- (secrets masked); the figures the report marks are extracted here: completion.threshold, network.timeout in ms
-- (from btda's duration form 500ms / 6s / 5m / 2h / 1d / 0), stats.interval in ms.
--
-- Reading the result: one row per run, oldest first. stopped_at NULL = still running or not yet closed;
-- clean_stop false with a stopped_at = ended without a stop row (closed by the next start at its last heartbeat).
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
WITH
    (s -> multiIf(s = '' OR s = '0', toUInt64(0),
                  endsWith(s, 'ms'), toUInt64OrZero(substring(s, 1, length(s) - 2)),
                  endsWith(s, 's'), toUInt64OrZero(substring(s, 1, length(s) - 1)) * 1000,
                  endsWith(s, 'm'), toUInt64OrZero(substring(s, 1, length(s) - 1)) * 60000,
                  endsWith(s, 'h'), toUInt64OrZero(substring(s, 1, length(s) - 1)) * 3600000,
                  endsWith(s, 'd'), toUInt64OrZero(substring(s, 1, length(s) - 1)) * 86400000,
                  toUInt64(0))) AS duration_ms
SELECT
    run_id,
    command,
    btda_version,
    started_at,
    stopped_at,
    clean_stop,
    last_alive_at,
    toFloat64OrNull(JSONExtractString(settings, 'completion.threshold')) AS completion_threshold,
    duration_ms(JSONExtractString(settings, 'network.timeout')) AS network_timeout_ms,
    duration_ms(JSONExtractString(settings, 'stats.interval')) AS stats_interval_ms,
    settings
FROM btda.runs FINAL
WHERE started_at < {to:DateTime64(3, 'UTC')}
  AND ifNull(stopped_at, now64(3, 'UTC')) >= {from:DateTime64(3, 'UTC')}
ORDER BY started_at, run_id
