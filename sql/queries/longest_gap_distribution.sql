-- Question 6: how long do peers stay silent between two messages? Used to choose the evaluator's network
-- (read) timeout: a timeout shorter than the longest gap of a session cuts that session off.
--
-- Each successful observation records longest_gap_ms, the longest silence in its session (from the connection,
-- through the handshake, between messages). Failed sessions are left out: their gap is cut by the timeout in
-- force and would only echo it.
--
-- Reading the result: two sections in one table, quantile rows first.
--   section = 'quantile': label p50 | p90 | p95 | p99 | max, ms = that exact quantile (quantileExact: the
--             element at index floor(level * n) of the sorted gaps), observations = n, cumulative_share = level.
--   section = 'histogram': one row per non-empty bucket, label '[lo, hi) ms', ms = lo, observations in the
--             bucket, cumulative_share = share of observations with a gap below hi. A timeout of hi keeps
--             cumulative_share of the sessions whole.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with observed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
WITH
    [0, 1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000] AS bounds,
    gaps AS (
        SELECT longest_gap_ms AS gap
        FROM btda.observations FINAL
        WHERE success
          AND observed_at >= {from:DateTime64(3, 'UTC')}
          AND observed_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    )
SELECT section, label, ms, observations, cumulative_share
FROM
(
    SELECT
        'quantile' AS section,
        q.1 AS label,
        toUInt64(q.2) AS ms,
        n AS observations,
        q.3 AS cumulative_share
    FROM
    (
        SELECT count() AS n, quantilesExact(0.5, 0.9, 0.95, 0.99, 1)(gap) AS qs
        FROM gaps
    )
    ARRAY JOIN arrayZip(['p50', 'p90', 'p95', 'p99', 'max'], qs, [0.5, 0.9, 0.95, 0.99, 1.0]) AS q
    WHERE n > 0

    UNION ALL

    SELECT
        'histogram' AS section,
        concat('[', toString(bounds[bucket]), ', ',
               if(bucket < length(bounds), toString(bounds[bucket + 1]), 'inf'), ') ms') AS label,
        toUInt64(bounds[bucket]) AS ms,
        count() AS observations,
        round(sum(count()) OVER (ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
              / sum(count()) OVER (), 4) AS cumulative_share
    FROM gaps
    GROUP BY arrayCount(b -> b <= gap, bounds) AS bucket
)
ORDER BY section = 'quantile' DESC, ms, cumulative_share
