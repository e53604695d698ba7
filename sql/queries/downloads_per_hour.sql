-- Question 1: how many confirmed downloads happened per hour, per torrent and over all selected torrents?
--
-- A confirmed download is a peer seen below the completion threshold and later at or above it (the stream
-- processor's rule); each (torrent, peer) is counted once, in the hour of its crossing. FINAL folds redelivered
-- and corrected rows at read time, so a download is never counted twice and a corrected crossing time wins.
--
-- Reading the result: one row per (hour, torrent) with at least one download, and one row per hour with
-- torrent = 'all' (the sum over the selected torrents). Hours without downloads are absent.
-- downloads_unknown_client = downloads whose peer never identified its client.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include, e.g. ['0123...']; [] = every torrent
SELECT
    toStartOfHour(crossed_at) AS hour,
    if(grouping(info_hash) = 1, 'all', toString(info_hash)) AS torrent,
    count() AS downloads,
    countIf(client IS NULL) AS downloads_unknown_client
FROM btda.confirmed_downloads FINAL
WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
  AND crossed_at < {to:DateTime64(3, 'UTC')}
  AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
GROUP BY GROUPING SETS ((hour, info_hash), (hour))
ORDER BY hour, torrent = 'all' DESC, torrent
