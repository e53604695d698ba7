-- Report figure: when was btda not running? Downtime intervals, to shade in the hourly charts so that a dip in
-- confirmed downloads is never read as a dip in demand.
--
-- From btda.runs (one row per run, FINAL: the stop row wins over the start row). A run ends at stopped_at; a run
-- without one ended uncleanly at its last heartbeat (last_alive_at) when that is more than 3 minutes old (the
-- heartbeat is written every minute), otherwise it is still running. Downtime starts where a run ends and no
-- other run is up, and lasts until the next run starts (or until now when none has). Overlapping runs (e.g.
-- `btda stream-processor` beside `btda evaluator`) count as one: btda is up while any run is.
--
-- Reading the result: one row per downtime interval, clipped to the window, oldest first. reason = 'stopped'
-- (the run before it stopped cleanly) or 'unclean stop' (crash, kill -9, power loss); hours = its length.
-- Time before the first run is not downtime (nothing was being measured yet).
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
WITH
    now64(3, 'UTC') AS now_at,
    runs AS (
        SELECT
            run_id,
            started_at,
            ifNull(stopped_at,
                   if(ifNull(last_alive_at, started_at) < now_at - INTERVAL 3 MINUTE,
                      ifNull(last_alive_at, started_at), now_at)) AS ended_at,
            stopped_at IS NOT NULL AND clean_stop AS clean
        FROM btda.runs FINAL
    ),
    ends AS (
        SELECT
            a.run_id AS run_id,
            any(a.ended_at) AS stop_at,
            any(a.clean) AS clean,
            -- another run up at this run's end: no downtime starts here
            countIf(b.started_at <= a.ended_at AND b.ended_at > a.ended_at) AS covering,
            countIf(b.started_at > a.ended_at) AS later_runs,
            minIf(b.started_at, b.started_at > a.ended_at) AS next_start
        FROM runs AS a
        CROSS JOIN runs AS b
        GROUP BY a.run_id
    )
SELECT
    greatest(stop_at, {from:DateTime64(3, 'UTC')}) AS down_from,
    least(if(later_runs > 0, next_start, now_at), {to:DateTime64(3, 'UTC')}) AS down_to,
    if(clean, 'stopped', 'unclean stop') AS reason,
    round(dateDiff('millisecond', down_from, down_to) / 3600000, 3) AS hours
FROM ends
WHERE covering = 0
  AND down_from < down_to
ORDER BY down_from
