-- Question 7: how does the completion threshold change the confirmed-download count?
--
-- Recomputed from the raw observations for every threshold from min_percent to max_percent: a (torrent, peer)
-- counts at threshold t when an observation with pieces/total >= t follows (strictly later observed_at) an
-- earlier observation whose piece count was known and below t. Observations with an unknown piece count (the
-- peer stayed silent) are never "below": a peer first unknown and then complete does not count. A peer only
-- ever seen complete (a seeder) does not count. Integer arithmetic (pieces * 100 >= percent * total) keeps the
-- comparison exact.
--
-- Reading the result: one row per threshold. downloads = peers counted at that threshold;
-- relative_to_reference = downloads / downloads at reference_percent (the threshold the stream processor uses),
-- NULL when that is 0. Fewer downloads at higher thresholds = peers last seen just short of complete.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (only observations in the window are used)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
-- @param min_percent=75 ; lowest threshold, in percent (1..100)
-- @param max_percent=100 ; highest threshold, in percent (1..100)
-- @param step_percent=1 ; step between thresholds, in percent (>= 1)
-- @param reference_percent=98 ; the threshold the other thresholds are compared with
SELECT
    percent,
    percent / 100 AS threshold,
    countIf(crossed) AS downloads,
    round(downloads / nullIf(sum(if(percent = {reference_percent:UInt8}, countIf(crossed), 0)) OVER (), 0), 4)
        AS relative_to_reference
FROM
(
    SELECT
        percent,
        info_hash,
        peer_key,
        countIf(below) > 0 AND countIf(NOT below) > 0
            AND minIf(observed_at, below) < maxIf(observed_at, NOT below) AS crossed
    FROM
    (
        SELECT
            info_hash,
            peer_key,
            observed_at,
            percent,
            toUInt64(assumeNotNull(pieces)) * 100 < toUInt64(percent) * total_pieces AS below
        FROM btda.observations FINAL
        ARRAY JOIN range(toUInt32({min_percent:UInt8}), toUInt32({max_percent:UInt8}) + 1,
                         toUInt32(greatest({step_percent:UInt8}, 1))) AS percent
        WHERE pieces IS NOT NULL
          AND total_pieces > 0
          AND observed_at >= {from:DateTime64(3, 'UTC')}
          AND observed_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    )
    GROUP BY percent, info_hash, peer_key
)
GROUP BY percent
ORDER BY percent
