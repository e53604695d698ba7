-- Report figure: where are the downloaders? Confirmed downloads, peers and the median of peers' fastest download
-- speed per country (or per continent, or per city).
--
-- Places are the GeoLite2 enrichment kept in btda.peers (the latest known value per peer; '' = unknown). A
-- confirmed download (crossed_at in the window) takes its peer's place; every download counts, one without a
-- peers row counts under ''. Peers are those last seen in the window. median_max_speed_bps = exact median of
-- max_speed_bps over those peers with a measured speed (> 0), NULL when none has.
--
-- Reading the result: one row per place, most downloads first (then most peers). level = 'country': country is
-- the ISO 3166-1 alpha-2 code; 'continent': the two-letter continent code, country and city ''; 'city': city with
-- its country. top = keep only the first N rows (0 = all); rank = the row's position.
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (crossed_at, and peers' last_seen_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
-- @param level=country ; country | continent | city
-- @param top=0 ; at most this many rows, 0 = all
WITH
    downloads AS (
        SELECT info_hash, peer_key
        FROM btda.confirmed_downloads FINAL
        WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
          AND crossed_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    ),
    facts AS (
        SELECT ifNull(continent, '') AS continent, ifNull(country, '') AS country, ifNull(city, '') AS city,
               toUInt8(1) AS is_peer, toUInt8(0) AS is_download, max_speed_bps AS speed
        FROM btda.peers FINAL
        WHERE last_seen_at >= {from:DateTime64(3, 'UTC')}
          AND last_seen_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
        UNION ALL
        SELECT ifNull(p.continent, '') AS continent, ifNull(p.country, '') AS country, ifNull(p.city, '') AS city,
               toUInt8(0) AS is_peer, toUInt8(1) AS is_download, 0.0 AS speed
        FROM downloads AS d
        LEFT JOIN
        (
            SELECT info_hash, peer_key, continent, country, city
            FROM btda.peers FINAL
            WHERE (info_hash, peer_key) IN (SELECT info_hash, peer_key FROM downloads)
        ) AS p USING (info_hash, peer_key)
    )
SELECT rank, continent, country, city, downloads, peers, median_max_speed_bps, peers_with_speed
FROM
(
    SELECT
        continent,
        if({level:String} = 'continent', '', country) AS country,
        if({level:String} = 'city', city, '') AS city,
        toUInt64(sum(is_download)) AS downloads,
        toUInt64(sum(is_peer)) AS peers,
        countIf(is_peer = 1 AND speed > 0) AS peers_with_speed,
        if(peers_with_speed = 0, NULL, quantileExactIf(0.5)(speed, is_peer = 1 AND speed > 0))
            AS median_max_speed_bps,
        row_number() OVER (ORDER BY downloads DESC, peers DESC, continent, country, city) AS rank
    FROM facts
    GROUP BY continent, country, city
)
WHERE {top:UInt32} = 0 OR rank <= {top:UInt32}
ORDER BY rank
