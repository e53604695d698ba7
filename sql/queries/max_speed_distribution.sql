-- Question 8b (bonus): how fast do peers download? Distribution of each peer's fastest observed piece gain.
--
-- btda.peers.max_speed_bps is the stream processor's fastest gain between two observations of a peer, in bytes
-- per second (a lower bound of the peer's real speed: btda sees only what the peer announces). Peers without a
-- measured gain (max_speed_bps = 0) are left out. A peer is in the window when it was last seen in it.
--
-- Reading the result: two sections, quantile rows first.
--   section = 'quantile': label p50 | p90 | p99 | max, bytes_per_s = that exact quantile (quantileExact),
--             peers = n, cumulative_share = level.
--   section = 'histogram': decades of bytes per second, label '[lo, hi) B/s', bytes_per_s = lo, peers in the
--             bucket, cumulative_share = share of peers below hi.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with last_seen_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
-- @param downloaders_only=0 ; 1 = only peers with a confirmed download, 0 = every peer
WITH
    speeds AS (
        SELECT max_speed_bps AS speed
        FROM btda.peers FINAL
        WHERE max_speed_bps > 0
          AND last_seen_at >= {from:DateTime64(3, 'UTC')}
          AND last_seen_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
          AND ({downloaders_only:UInt8} = 0
               OR (info_hash, peer_key) IN (SELECT info_hash, peer_key FROM btda.confirmed_downloads FINAL))
    )
SELECT section, label, bytes_per_s, peers, cumulative_share
FROM
(
    SELECT
        'quantile' AS section,
        q.1 AS label,
        q.2 AS bytes_per_s,
        n AS peers,
        q.3 AS cumulative_share
    FROM
    (
        SELECT count() AS n, quantilesExact(0.5, 0.9, 0.99, 1)(speed) AS qs
        FROM speeds
    )
    ARRAY JOIN arrayZip(['p50', 'p90', 'p99', 'max'], qs, [0.5, 0.9, 0.99, 1.0]) AS q
    WHERE n > 0

    UNION ALL

    SELECT
        'histogram' AS section,
        concat('[', toString(toUInt64(exp10(decade))), ', ', toString(toUInt64(exp10(decade + 1))), ') B/s') AS label,
        exp10(decade) AS bytes_per_s,
        count() AS peers,
        round(sum(count()) OVER (ORDER BY decade ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
              / sum(count()) OVER (), 4) AS cumulative_share
    FROM speeds
    GROUP BY toInt32(floor(log10(speed))) AS decade
)
ORDER BY section = 'quantile' DESC, bytes_per_s, cumulative_share
