-- Reach: how many confirmed downloads only uTP (BEP 29) or only a BEP 55 holepunch made visible?
--
-- A download counts as "only uTP" when every successful observation of that peer (all time, any source) was over
-- uTP: a TCP-only btda would never have read its pieces. "Only holepunch" likewise: every successful observation
-- came through a rendezvous, so without holepunching the peer (behind a NAT) stayed invisible. Failed contacts do not
-- count either way. Observations from before Observation v4 have no transport and were all TCP.
--
-- Reading the result: one row per torrent; downloads = confirmed downloads in the window, only_utp / only_holepunch
-- = those that depended on the mechanism, with their share of downloads.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
WITH reach AS (
    SELECT
        info_hash,
        peer_key,
        countIf(success AND ifNull(transport, 'TCP') = 'TCP') AS tcp_ok,
        countIf(success AND transport = 'UTP') AS utp_ok,
        countIf(success AND holepunch) AS holepunch_ok,
        countIf(success AND NOT holepunch) AS direct_ok
    FROM btda.observations
    WHERE empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash))
    GROUP BY info_hash, peer_key
)
SELECT
    toString(d.info_hash) AS torrent,
    count() AS downloads,
    countIf(r.utp_ok > 0 AND r.tcp_ok = 0) AS only_utp,
    round(only_utp / downloads, 4) AS only_utp_share,
    countIf(r.holepunch_ok > 0 AND r.direct_ok = 0) AS only_holepunch,
    round(only_holepunch / downloads, 4) AS only_holepunch_share
FROM
(
    SELECT info_hash, peer_key
    FROM btda.confirmed_downloads FINAL
    WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
      AND crossed_at < {to:DateTime64(3, 'UTC')}
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
) AS d
LEFT JOIN reach AS r ON r.info_hash = d.info_hash AND r.peer_key = d.peer_key
GROUP BY torrent
ORDER BY torrent
