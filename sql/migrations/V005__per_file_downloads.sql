-- Per-file completion of multi-file torrents (issue: count the episode, not only the season pack).
-- torrents.files: the metainfo's file list as (path, size, padding) in its order (TorrentRegistered v2; empty for
-- registrations before v2 and torrents with more than 10,000 files); torrent_files unrolls it, one row per file.
-- file_downloads: a peer seen below the completion threshold of one file and later at or above it (FileDownload v1);
-- one row per (torrent, peer, file) after FINAL; file_path/file_size are NULL when the torrent was not registered yet
-- when the download was first seen (join torrent_files on (info_hash, file_index) for them).

ALTER TABLE btda.torrents
    ADD COLUMN IF NOT EXISTS files Array(Tuple(String, Int64, Bool)) COMMENT '(path, size, BEP 47 padding) per file, metainfo order';

CREATE TABLE IF NOT EXISTS btda.file_downloads
(
    info_hash     FixedString(40),
    peer_key      String,
    file_index    UInt32 COMMENT 'index in the metainfo file list, padding files included',
    file_path     Nullable(String),
    file_size     Nullable(UInt64),
    file_pieces   UInt32 COMMENT 'pieces the file touches, shared pieces included',
    client        LowCardinality(Nullable(String)),
    crossed_at    DateTime64(3, 'UTC'),
    last_below_at DateTime64(3, 'UTC'),
    threshold     Float64,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (info_hash, peer_key, file_index);

-- One row per file of every registered torrent; first/last piece follow BEP 3's layout (files end to end), a piece
-- shared by two files belongs to both; padding and empty files own no piece (first_piece = last_piece = -1).
CREATE VIEW IF NOT EXISTS btda.torrent_files AS
SELECT
    info_hash,
    name AS torrent_name,
    toUInt32(length(files)) AS torrent_file_count,
    toUInt32(i - 1) AS file_index,
    tupleElement(f, 1) AS path,
    toUInt64(tupleElement(f, 2)) AS size,
    tupleElement(f, 3) AS padding,
    toUInt64(offset_end - tupleElement(f, 2)) AS offset,
    if(padding OR size = 0, -1, toInt64(intDiv(offset, piece_length))) AS first_piece,
    if(padding OR size = 0, -1, toInt64(intDiv(offset + size - 1, piece_length))) AS last_piece
FROM btda.torrents FINAL
ARRAY JOIN files AS f, arrayEnumerate(files) AS i, arrayCumSum(arrayMap(x -> tupleElement(x, 2), files)) AS offset_end;

CREATE VIEW IF NOT EXISTS btda.file_downloads_hourly AS
SELECT
    toStartOfHour(crossed_at) AS hour,
    info_hash,
    file_index,
    count() AS downloads
FROM btda.file_downloads FINAL
GROUP BY hour, info_hash, file_index;
