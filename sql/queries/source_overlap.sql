-- Question 5: how many unique peers does each source find (tracker, dht, incoming, pex, magnet), and how much do
-- the sources overlap?
--
-- A peer is a (torrent, peer key) pair; its sources are every source that reported it in the window
-- (btda.discoveries; FINAL folds redelivered rows).
--
-- Reading the result: a matrix in long form, one row per (source, also_via) pair that has peers.
--   source = also_via: peers = unique peers found by that source; only_this_source = of those, peers no other
--                      source found; share_of_all = peers / all unique peers (all_peers).
--   source <> also_via: peers = peers found by both sources (the overlap); share_of_source = overlap / peers of
--                      `source` (how much of `source` the other one also finds).
-- Sources are lower case; 'unknown' stands for discoveries with no recorded source.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with discovered_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    source,
    also_via,
    count() AS peers,
    countIf(source = also_via AND length(sources) = 1) AS only_this_source,
    round(peers / sum(if(source = also_via, peers, 0)) OVER (PARTITION BY source), 4) AS share_of_source,
    round(peers / all_peers, 4) AS share_of_all,
    any(total) AS all_peers
FROM
(
    SELECT
        info_hash,
        peer_key,
        arraySort(groupUniqArray(lower(toString(source)))) AS sources,
        count() OVER () AS total
    FROM btda.discoveries FINAL
    WHERE discovered_at >= {from:DateTime64(3, 'UTC')}
      AND discovered_at < {to:DateTime64(3, 'UTC')}
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    GROUP BY info_hash, peer_key
)
ARRAY JOIN sources AS source
ARRAY JOIN sources AS also_via
GROUP BY source, also_via
ORDER BY source, source <> also_via, also_via
