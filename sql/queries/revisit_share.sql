-- Question 4: what share of peers does btda see at least twice (two or more successful contacts)?
--
-- A confirmed download needs two sightings of the same peer (below, then at/above the threshold), so this share
-- bounds how many downloads btda can confirm at all. Only observations in the window count; contacts btda never
-- made (STALE_REQUEST, DO_NOT_CONTACT, OVERLOADED) are ignored.
--
-- Reading the result: one row per torrent and one row with torrent = 'all' (first). peers_contacted = peers with
-- any observation; peers_seen = at least one successful contact; peers_seen_twice = at least two;
-- share_of_seen = peers_seen_twice / peers_seen; share_of_contacted = peers_seen_twice / peers_contacted
-- (NULL when the denominator is 0).
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with observed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    if(grouping(info_hash) = 1, 'all', toString(info_hash)) AS torrent,
    count() AS peers_contacted,
    countIf(successes >= 1) AS peers_seen,
    countIf(successes >= 2) AS peers_seen_twice,
    round(peers_seen_twice / nullIf(peers_seen, 0), 4) AS share_of_seen,
    round(peers_seen_twice / nullIf(peers_contacted, 0), 4) AS share_of_contacted
FROM
(
    SELECT info_hash, peer_key, countIf(success) AS successes
    FROM btda.observations FINAL
    WHERE observed_at >= {from:DateTime64(3, 'UTC')}
      AND observed_at < {to:DateTime64(3, 'UTC')}
      AND ifNull(failure, '') NOT IN ('STALE_REQUEST', 'DO_NOT_CONTACT', 'OVERLOADED')
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    GROUP BY info_hash, peer_key
)
GROUP BY GROUPING SETS ((info_hash), ())
ORDER BY torrent = 'all' DESC, torrent
