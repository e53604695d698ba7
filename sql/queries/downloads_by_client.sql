-- Question 8a (bonus): which BitTorrent clients do the confirmed downloaders run?
--
-- client is the name btda derived from the peer id / BEP 10 'v' (e.g. 'Transmission 4.0.6'); one row per exact
-- client string, so versions are kept apart. FINAL folds redelivered and corrected rows.
--
-- Reading the result: one row per client, most downloads first; 'unknown' = the peer never identified itself.
-- share = downloads / all confirmed downloads in the window.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    ifNull(client, 'unknown') AS client_name,
    count() AS downloads,
    round(downloads / sum(downloads) OVER (), 4) AS share
FROM btda.confirmed_downloads FINAL
WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
  AND crossed_at < {to:DateTime64(3, 'UTC')}
  AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
GROUP BY client_name
ORDER BY downloads DESC, client_name
