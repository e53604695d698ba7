-- Question 3: what happens the first time btda contacts a peer (success, timeout, refused, other)?
--
-- For every (torrent, peer) the first observation by observed_at is taken (argMin); peers whose first
-- observation falls in the window are counted. Outcomes that are btda's own decision and involve no contact
-- (STALE_REQUEST, DO_NOT_CONTACT, OVERLOADED) are not contacts and are ignored. Incoming connections are
-- contacts the peer made, so they count as successes.
--
-- Reading the result: one row per (outcome, reason). outcome is success | timeout (CONNECT_TIMEOUT) |
-- refused (REFUSED) | other; reason is the recorded FailureReason ('' for success). share = this row's peers
-- over all peers; outcome_share = the whole outcome's share (the same on every row of one outcome).
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with the first observation)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    multiIf(first.1, 'success', first.2 = 'CONNECT_TIMEOUT', 'timeout', first.2 = 'REFUSED', 'refused', 'other')
        AS outcome,
    if(first.1, '', ifNull(first.2, 'UNKNOWN')) AS reason,
    count() AS peers,
    round(peers / sum(peers) OVER (), 4) AS share,
    round(sum(peers) OVER (PARTITION BY outcome) / sum(peers) OVER (), 4) AS outcome_share
FROM
(
    SELECT
        info_hash,
        peer_key,
        min(observed_at) AS first_at,
        -- a tuple so that a NULL failure is kept (argMin skips NULL arguments)
        argMin(tuple(success, failure), observed_at) AS first
    FROM btda.observations FINAL
    WHERE ifNull(failure, '') NOT IN ('STALE_REQUEST', 'DO_NOT_CONTACT', 'OVERLOADED')
      AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    GROUP BY info_hash, peer_key
    HAVING first_at >= {from:DateTime64(3, 'UTC')} AND first_at < {to:DateTime64(3, 'UTC')}
)
GROUP BY outcome, reason
ORDER BY outcome_share DESC, outcome, peers DESC, reason
