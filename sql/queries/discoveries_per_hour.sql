-- Report figure: how many peers did each source (tracker, dht, pex, incoming, magnet) report per hour, and how many
-- of those were new to the harvester?
--
-- From btda.discoveries (FINAL folds redelivered rows). is_new = 1 when the peer was new to the harvester within
-- its revisit window; every other report of it is a duplicate.
--
-- Reading the result: one row per (hour, source) with at least one discovery, by hour then source (lower case).
-- discoveries = reports; new_peers = reports of a new peer; duplicates = discoveries - new_peers.
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with discovered_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    toStartOfHour(discovered_at) AS hour,
    lower(toString(source)) AS source,
    count() AS discoveries,
    toUInt64(sum(is_new)) AS new_peers,
    discoveries - new_peers AS duplicates
FROM btda.discoveries FINAL
WHERE discovered_at >= {from:DateTime64(3, 'UTC')}
  AND discovered_at < {to:DateTime64(3, 'UTC')}
  AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
GROUP BY hour, source
ORDER BY hour, source
