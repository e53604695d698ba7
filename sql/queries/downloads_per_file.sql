-- Question 9a: how many peers downloaded each file of a multi-file torrent?
--
-- A file download is a peer seen below the completion threshold of that one file and later at or above it (a piece
-- shared by two files counts for both), counted in the window by its crossing time; FINAL folds corrections. A peer
-- that took the whole torrent also took every file, so the count of a file is everyone who finished it. One row per
-- file of every registered torrent with more than one file (btda.torrent_files), files nobody finished with 0; BEP 47
-- padding files and empty files are left out. Torrents registered before per-file support (no file list) have no rows.
--
-- Reading the result: per torrent, its files in metainfo order; a file far above its neighbours is what people came
-- for (the popular episode), one near 0 is skipped (extras, samples).
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    toString(f.info_hash) AS torrent,
    f.torrent_name AS name,
    f.file_index AS file_index,
    f.path AS path,
    f.size AS size_bytes,
    d.downloads AS downloads
FROM btda.torrent_files AS f
LEFT JOIN
(
    SELECT info_hash, file_index, count() AS downloads
    FROM btda.file_downloads FINAL
    WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
      AND crossed_at < {to:DateTime64(3, 'UTC')}
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    GROUP BY info_hash, file_index
) AS d ON d.info_hash = f.info_hash AND d.file_index = f.file_index
WHERE f.torrent_file_count > 1
  AND NOT f.padding
  AND f.size > 0
  AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(f.info_hash)))
ORDER BY torrent, file_index
