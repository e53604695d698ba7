-- Question 2: per torrent, how do btda's confirmed downloads compare with the "completed" count the trackers report?
--
-- Scrape "completed" is a tracker's cumulative count of completions it was told about. Per tracker the query takes
-- the largest value scraped in the window (completed_max) and how much it grew within the window
-- (completed_growth = max - min). Trackers cannot be summed (one client announces to several), so per torrent the
-- largest value over its trackers is used. Only successful scrapes (error IS NULL, completed present) count.
--
-- Reading the result: one row per torrent that had a confirmed download or a successful scrape in the window.
-- confirmed = confirmed downloads with crossed_at in the window; trackers_scraped = trackers that answered;
-- ratio_to_growth = confirmed / completed_growth (the comparable figure when the window starts after the
-- tracker's count started: the share of completions btda saw); ratio_to_max = confirmed / completed_max.
-- A ratio is NULL when its denominator is 0 or no tracker answered.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (crossed_at and scrape started_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
WITH
    per_tracker AS (
        SELECT
            toString(assumeNotNull(info_hash)) AS torrent,
            target,
            max(assumeNotNull(completed)) AS completed_max,
            max(assumeNotNull(completed)) - min(assumeNotNull(completed)) AS completed_growth
        FROM btda.harvest_requests FINAL
        WHERE kind = 'SCRAPE'
          AND info_hash IS NOT NULL
          AND completed IS NOT NULL
          AND error IS NULL
          AND started_at >= {from:DateTime64(3, 'UTC')}
          AND started_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(assumeNotNull(info_hash))))
        GROUP BY torrent, target
    ),
    downloads AS (
        SELECT toString(info_hash) AS torrent, count() AS confirmed
        FROM btda.confirmed_downloads FINAL
        WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
          AND crossed_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
        GROUP BY torrent
    )
SELECT
    torrent,
    sum(confirmed) AS confirmed,
    sum(trackers) AS trackers_scraped,
    max(completed_max) AS completed_max,
    max(completed_growth) AS completed_growth,
    round(confirmed / nullIf(completed_growth, 0), 4) AS ratio_to_growth,
    round(confirmed / nullIf(completed_max, 0), 4) AS ratio_to_max
FROM
(
    SELECT torrent, confirmed, toUInt64(0) AS trackers,
           CAST(NULL AS Nullable(UInt64)) AS completed_max, CAST(NULL AS Nullable(UInt64)) AS completed_growth
    FROM downloads
    UNION ALL
    SELECT torrent, toUInt64(0), toUInt64(1),
           CAST(completed_max AS Nullable(UInt64)), CAST(completed_growth AS Nullable(UInt64))
    FROM per_tracker
)
GROUP BY torrent
ORDER BY confirmed DESC, torrent
