-- Report figure: which networks are the peers and downloaders in? Confirmed downloads and peers per autonomous
-- system (ASN) or per registered domain of the peers' reverse DNS names, with hosting networks (seedboxes, cloud,
-- data centres) told apart from consumer ISPs.
--
-- Networks are the enrichment kept in btda.peers (GeoLite2 ASN, reverse-DNS registered domain; '' = unknown). A
-- confirmed download (crossed_at in the window) takes its peer's network; peers are those last seen in the window.
-- A peer is "hosting" when its AS organisation or its domain names a hoster (the list in hosters below: names of
-- well-known hosting, cloud and seedbox providers, and the words hosting, server, datacenter, cloud, seedbox):
-- a name heuristic, not a registry flag, so read it as an indication.
--
-- Reading the result: one row per network that is in the top N by downloads or in the top N by peers.
-- network = the ASN (decimal) or the domain; name = the AS organisation (for by = 'asn') or the domain;
-- hosting_share = share of the network's peers (or downloads when it has no peers in the window) that look
-- hosted; kind = 'hosting' when hosting_share >= 0.5, else 'consumer'. rank_downloads, rank_peers = positions.
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (crossed_at, and peers' last_seen_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
-- @param by=asn ; asn | domain
-- @param top=20 ; networks per ranking (by downloads, by peers); 0 = all
WITH
    '(hosting|hoster|server|datacent|data cent|cloud|seedbox|vps|colo|hetzner|ovh|leaseweb|digitalocean|amazon|aws|google|microsoft|azure|linode|akamai|vultr|choopa|contabo|scaleway|online s\\.a\\.s|m247|datacamp|nforce|worldstream|feral|whatbox|ultra\\.cc|psychz|quadranet|netcup|ionos|hostinger|alibaba|tencent|oracle)' AS hosters,
    downloads AS (
        SELECT info_hash, peer_key
        FROM btda.confirmed_downloads FINAL
        WHERE crossed_at >= {from:DateTime64(3, 'UTC')}
          AND crossed_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
    ),
    facts AS (
        SELECT asn, as_org, domain, toUInt8(1) AS is_peer, toUInt8(0) AS is_download
        FROM btda.peers FINAL
        WHERE last_seen_at >= {from:DateTime64(3, 'UTC')}
          AND last_seen_at < {to:DateTime64(3, 'UTC')}
          AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
        UNION ALL
        SELECT p.asn AS asn, p.as_org AS as_org, p.domain AS domain, toUInt8(0) AS is_peer, toUInt8(1) AS is_download
        FROM downloads AS d
        LEFT JOIN
        (
            SELECT info_hash, peer_key, asn, as_org, domain
            FROM btda.peers FINAL
            WHERE (info_hash, peer_key) IN (SELECT info_hash, peer_key FROM downloads)
        ) AS p USING (info_hash, peer_key)
    )
SELECT network, name, kind, hosting_share, downloads, peers, rank_downloads, rank_peers
FROM
(
    SELECT
        if({by:String} = 'domain', ifNull(domain, ''), if(ifNull(asn, 0) = 0, '', toString(asn))) AS network,
        if({by:String} = 'domain', network, ifNull(anyIf(as_org, as_org IS NOT NULL), '')) AS name,
        toUInt64(sum(is_download)) AS downloads,
        toUInt64(sum(is_peer)) AS peers,
        round(if(peers > 0,
                 countIf(is_peer = 1 AND match(lower(concat(ifNull(as_org, ''), ' ', ifNull(domain, ''))), hosters)) / peers,
                 countIf(is_download = 1 AND match(lower(concat(ifNull(as_org, ''), ' ', ifNull(domain, ''))), hosters))
                     / greatest(downloads, 1)), 4) AS hosting_share,
        if(hosting_share >= 0.5, 'hosting', 'consumer') AS kind,
        row_number() OVER (ORDER BY downloads DESC, peers DESC, network) AS rank_downloads,
        row_number() OVER (ORDER BY peers DESC, downloads DESC, network) AS rank_peers
    FROM facts
    GROUP BY network
)
WHERE {top:UInt32} = 0 OR rank_downloads <= {top:UInt32} OR rank_peers <= {top:UInt32}
ORDER BY rank_downloads
