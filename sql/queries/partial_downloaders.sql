-- Question 9b: what share of the peers that finished something took only part of the torrent?
--
-- Per multi-file torrent: file_downloaders = peers with at least one file download crossed in the window;
-- whole_torrent = those of them with a confirmed download of the whole torrent (at any time: a peer that finished
-- the rest later did not stop at a part); partial_only = the others, who finished some files and never the torrent.
-- These peers are invisible to the whole-torrent count (downloads_per_hour.sql). FINAL folds corrections.
--
-- Reading the result: one row per torrent plus torrent = 'all'; partial_share near 0 means people take the whole
-- pack, a high share means a per-file count is needed to measure demand.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with the file downloads' crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    if(grouping(info_hash) = 1, 'all', toString(info_hash)) AS torrent,
    count() AS file_downloaders,
    countIf((info_hash, peer_key) IN (SELECT info_hash, peer_key FROM btda.confirmed_downloads FINAL)) AS whole_torrent,
    file_downloaders - whole_torrent AS partial_only,
    round(partial_only / file_downloaders, 4) AS partial_share
FROM
(
    SELECT DISTINCT info_hash, peer_key
    FROM btda.file_downloads FINAL
    WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
      AND crossed_at < {to:DateTime64(3, 'UTC')}
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
)
GROUP BY info_hash WITH ROLLUP
ORDER BY torrent = 'all', torrent
