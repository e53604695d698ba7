-- Report figure: per torrent, how many distinct peers did btda find and how often did its first contact with a peer
-- succeed? (Read beside downloads_vs_scrape.sql and revisit_share.sql, which give the other per-torrent figures.)
--
-- unique_peers = distinct peers discovered in the window (btda.discoveries, any source). The first contact with a
-- peer is its earliest observation (as in first_contact_outcomes.sql: btda's own decisions STALE_REQUEST,
-- DO_NOT_CONTACT and OVERLOADED are no contacts; incoming connections count as successes); peers whose first
-- contact falls in the window count. name = the torrent's latest registered name ('' when never registered).
--
-- Reading the result: one row per torrent with a discovery or a first contact in the window, most unique peers
-- first. first_contact_success_share = first_successes / first_contacts (NULL when no first contact).
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (discovered_at, first observation)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
WITH
    found AS (
        SELECT toString(info_hash) AS torrent, uniqExact(peer_key) AS unique_peers
        FROM btda.discoveries FINAL
        WHERE discovered_at >= {from:DateTime64(3, 'UTC')}
          AND discovered_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
        GROUP BY torrent
    ),
    first AS (
        SELECT toString(info_hash) AS torrent, count() AS first_contacts, countIf(first_success) AS first_successes
        FROM
        (
            SELECT info_hash, peer_key, min(observed_at) AS first_at, argMin(success, observed_at) AS first_success
            FROM btda.observations FINAL
            WHERE ifNull(failure, '') NOT IN ('STALE_REQUEST', 'DO_NOT_CONTACT', 'OVERLOADED')
              AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
            GROUP BY info_hash, peer_key
            HAVING first_at >= {from:DateTime64(3, 'UTC')} AND first_at < {to:DateTime64(3, 'UTC')}
        )
        GROUP BY torrent
    ),
    names AS (
        SELECT toString(info_hash) AS torrent, argMax(name, version) AS name
        FROM btda.torrents
        GROUP BY torrent
    )
SELECT
    torrent,
    ifNull(n.name, '') AS name,
    unique_peers,
    first_contacts,
    first_successes,
    round(first_successes / nullIf(first_contacts, 0), 4) AS first_contact_success_share
FROM
(
    SELECT torrent, sum(u) AS unique_peers, sum(c) AS first_contacts, sum(s) AS first_successes
    FROM
    (
        SELECT torrent, unique_peers AS u, toUInt64(0) AS c, toUInt64(0) AS s FROM found
        UNION ALL
        SELECT torrent, toUInt64(0), first_contacts, first_successes FROM first
    )
    GROUP BY torrent
) AS t
LEFT JOIN names AS n ON n.torrent = t.torrent
ORDER BY unique_peers DESC, torrent
SETTINGS join_use_nulls = 1
