-- Report figure: the cumulative distribution (CDF) of peers' fastest observed download speed.
--
-- btda.peers.max_speed_bps is the stream processor's fastest piece gain between two observations of a peer, bytes
-- per second (a lower bound of the real speed). Peers without a measured gain (0) are left out; a peer is in the
-- window when it was last seen in it. Speeds are bucketed in tenths of a decade (10^(k/10) B/s), fine enough for a
-- smooth curve on a log axis. max_speed_distribution.sql gives the exact quantiles.
--
-- Reading the result: one row per non-empty bucket, slowest first. bytes_per_s = the bucket's upper bound,
-- peers = peers in the bucket, cumulative_share = share of peers slower than bytes_per_s.
--
-- Checked by the report's test (report/ module), on its two-day data set:
-- @checked-by org.btda.report.ReportQueriesTest
--
-- Parameters (pass every one; the values after '=' are the study defaults):
-- @param from=1970-01-01 00:00:00.000 ; window start, inclusive, UTC (compared with last_seen_at)
-- @param to=2100-01-01 00:00:00.000 ; window end, exclusive, UTC
-- @param torrents=[] ; info hashes (40 lowercase hex) to include; [] = every torrent
SELECT
    round(exp10((tenth + 1) / 10), 1) AS bytes_per_s,
    count() AS peers,
    round(sum(count()) OVER (ORDER BY tenth ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
          / sum(count()) OVER (), 4) AS cumulative_share
FROM btda.peers FINAL
WHERE max_speed_bps > 0
  AND last_seen_at >= {from:DateTime64(3, 'UTC')}
  AND last_seen_at < {to:DateTime64(3, 'UTC')}
  AND (empty({torrents:Array(String)}) OR has({torrents:Array(String)}, toString(info_hash)))
GROUP BY toInt32(floor(log10(max_speed_bps) * 10)) AS tenth
ORDER BY tenth
