-- Question 9: how many confirmed downloads would btda have missed without encryption (MSE/PE), uTP or holepunch?
--
-- For every confirmed download whose crossing falls in the window, all successful observations of that peer (any
-- time) say how btda reached it. reach is the first that applies:
--   plaintext_tcp    at least one success over plain TCP without holepunch (what btda could always do; rows from
--                    before Observation v4 have NULL transport/encryption and count here)
--   only_holepunch   never plain TCP; at least one success set up by a BEP 55 rendezvous
--   only_encryption  never plain TCP, no holepunch, successes only over TCP with RC4 (after the MSE handshake)
--   only_utp         never plain TCP, no holepunch, successes only over uTP without encryption
--   encryption_and_utp  never plain TCP, no holepunch, reached encrypted and over uTP (either was needed)
--   unknown          no successful observation left (e.g. outside the observations' retention)
-- Reading the result: downloads per reach and its share of all confirmed downloads in the window; everything but
-- plaintext_tcp is what the study would have missed speaking plaintext TCP only.
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with crossed_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    multiIf(plain > 0, 'plaintext_tcp',
            holepunched > 0, 'only_holepunch',
            utp = 0 AND rc4 > 0, 'only_encryption',
            utp > 0 AND rc4 = 0, 'only_utp',
            utp > 0 AND rc4 > 0, 'encryption_and_utp',
            'unknown') AS reach,
    count() AS downloads,
    round(downloads / sum(downloads) OVER (), 4) AS share
FROM
(
    SELECT info_hash, peer_key
    FROM btda.confirmed_downloads FINAL
    WHERE crossed_at >= {from:DateTime64(3, 'UTC')} AND crossed_at < {to:DateTime64(3, 'UTC')}
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
) AS d
LEFT JOIN
(
    SELECT
        info_hash,
        peer_key,
        countIf(ifNull(transport, 'TCP') = 'TCP' AND ifNull(encryption, 'PLAIN') = 'PLAIN' AND NOT holepunch) AS plain,
        countIf(holepunch) AS holepunched,
        countIf(encryption = 'RC4') AS rc4,
        countIf(transport = 'UTP') AS utp
    FROM btda.observations FINAL
    WHERE success
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    GROUP BY info_hash, peer_key
) AS o USING (info_hash, peer_key)
GROUP BY reach
ORDER BY downloads DESC, reach
