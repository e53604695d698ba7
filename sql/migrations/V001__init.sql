-- btda schema, version 1.
-- Conventions: info hash = 40 lowercase hex characters; peer key = 32 lowercase hex characters (HMAC, never an IP);
-- times DateTime64(3, 'UTC'); enums from the Avro schemas stored as LowCardinality(String) so that a new symbol
-- never breaks an insert. Rows that are updated carry a monotonic `version` for ReplacingMergeTree.
-- ${observations_retention_days} is substituted by the migrations runner (org.btda.sink.clickhouse.ClickHouseMigrations).
-- Statements end with ';' at the end of a line; no string literal contains ';'.

CREATE DATABASE IF NOT EXISTS btda;

-- One row per TorrentRegistered event; the latest version per info hash wins.
CREATE TABLE IF NOT EXISTS btda.torrents
(
    info_hash    FixedString(40),
    name         String,
    piece_length UInt64,
    piece_count  UInt32,
    total_size   UInt64,
    file_count   UInt32,
    private      Bool,
    trackers     Array(Array(String)) COMMENT 'announce-list tiers (BEP 12)',
    source       LowCardinality(String) COMMENT 'FILE or MAGNET',
    origin       String,
    monitored    Bool,
    event_time   DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY info_hash;

-- One row per contact outcome (Observation), without any address: the sealed endpoint is not stored.
-- A redelivered insert has the same sorting key, so ReplacingMergeTree folds it away; request_id is ''
-- for incoming connections (a Nullable column cannot be part of the sorting key).
CREATE TABLE IF NOT EXISTS btda.observations
(
    request_id        String COMMENT 'contact request id; empty for incoming connections',
    info_hash         FixedString(40),
    peer_key          String,
    identity          LowCardinality(String) COMMENT 'LISTEN_PORT or PEER_ID',
    observed_at       DateTime64(3, 'UTC'),
    source            LowCardinality(String),
    success           Bool,
    failure           LowCardinality(Nullable(String)),
    failure_detail    Nullable(String),
    pieces            Nullable(UInt32) COMMENT 'NULL = unknown (silence is not zero)',
    total_pieces      UInt32,
    piece_length      UInt64,
    peer_id           Nullable(String) COMMENT 'the 20-byte peer id as lowercase hex',
    client            LowCardinality(Nullable(String)),
    reserved          Nullable(String) COMMENT 'the 8 reserved handshake bytes as lowercase hex',
    ext_client        Nullable(String) COMMENT 'BEP 10 v',
    ext_listen_port   Nullable(UInt16) COMMENT 'BEP 10 p',
    ext_reqq          Nullable(UInt32),
    ext_metadata_size Nullable(UInt64),
    ext_messages      Map(String, Int32) COMMENT 'BEP 10 m; empty when not sent',
    messages_received UInt32,
    session_ms        UInt64,
    longest_gap_ms    UInt64,
    network           Nullable(String) COMMENT 'truncated network (/24, /48)',
    evaluator         LowCardinality(Nullable(String))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(observed_at)
ORDER BY (info_hash, peer_key, observed_at, request_id)
TTL toDateTime(observed_at) + INTERVAL ${observations_retention_days} DAY;

-- One row per HarvestRequest; a redelivery replaces the row with the same id.
CREATE TABLE IF NOT EXISTS btda.harvest_requests
(
    id             String,
    info_hash      Nullable(FixedString(40)),
    kind           LowCardinality(String) COMMENT 'ANNOUNCE, SCRAPE, DHT_LOOKUP, METADATA',
    target         String COMMENT 'tracker URL or dht',
    started_at     DateTime64(3, 'UTC'),
    duration_ms    UInt64,
    peers_received UInt32,
    peers_new      UInt32,
    duplicates     UInt32,
    nodes_queried  Nullable(UInt32),
    error          Nullable(String),
    seeders        Nullable(UInt32),
    leechers       Nullable(UInt32),
    completed      Nullable(UInt32)
)
ENGINE = ReplacingMergeTree
ORDER BY id;

-- One row per (torrent, peer) that crossed the completion threshold; a later version may correct crossed_at.
CREATE TABLE IF NOT EXISTS btda.confirmed_downloads
(
    info_hash          FixedString(40),
    peer_key           String,
    client             LowCardinality(Nullable(String)),
    crossed_at         DateTime64(3, 'UTC'),
    last_below_at      DateTime64(3, 'UTC'),
    pieces_below       UInt32,
    pieces_at_crossing UInt32,
    total_pieces       UInt32,
    threshold          Float64,
    version            UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (info_hash, peer_key);

-- Per-peer summary kept by the stream processor; the latest version wins.
CREATE TABLE IF NOT EXISTS btda.peers
(
    info_hash     FixedString(40),
    peer_key      String,
    first_seen_at DateTime64(3, 'UTC'),
    first_pieces  Nullable(UInt32),
    last_seen_at  DateTime64(3, 'UTC'),
    last_pieces   Nullable(UInt32),
    total_pieces  UInt32,
    max_speed_bps Float64 COMMENT 'fastest piece gain between two observations, bytes per second',
    contacts      UInt32,
    failures      UInt32,
    sources       Array(LowCardinality(String)),
    client        LowCardinality(Nullable(String)),
    network       Nullable(String),
    identity      LowCardinality(String),
    parked        Bool,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (info_hash, peer_key);

-- Peers found by trackers, DHT, PEX or incoming connections; the same discovery redelivered folds away.
CREATE TABLE IF NOT EXISTS btda.discoveries
(
    info_hash     FixedString(40),
    peer_key      String,
    source        LowCardinality(String),
    tracker       Nullable(String) COMMENT 'tracker URL for source TRACKER',
    discovered_at DateTime64(3, 'UTC'),
    is_new        UInt8 COMMENT '1 when new to the harvester within the revisit window'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(discovered_at)
ORDER BY (info_hash, peer_key, source, discovered_at)
TTL toDateTime(discovered_at) + INTERVAL ${observations_retention_days} DAY;

-- One row per btda run; the row with the greatest updated_at wins (the stop row is written after the start row).
CREATE TABLE IF NOT EXISTS btda.runs
(
    run_id       String,
    btda_version String,
    settings     String COMMENT 'effective settings as JSON, secrets omitted',
    started_at   DateTime64(3, 'UTC'),
    stopped_at   Nullable(DateTime64(3, 'UTC')),
    clean_stop   Bool,
    updated_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY run_id;

-- Periodic evaluator gauges and cumulative counters, one row per (instance, time).
CREATE TABLE IF NOT EXISTS btda.evaluator_stats
(
    time                 DateTime64(3, 'UTC'),
    instance             LowCardinality(String),
    backlog              UInt64 COMMENT 'contact requests waiting',
    sessions_in_flight   UInt32,
    ceiling              UInt32 COMMENT 'current concurrency ceiling',
    mean_session_ms      Float64,
    max_session_ms       UInt64,
    mean_longest_gap_ms  Float64,
    max_longest_gap_ms   UInt64,
    contacts_total       UInt64,
    successes_total      UInt64,
    failures_total       UInt64,
    observations_total   UInt64,
    dropped_total        UInt64 COMMENT 'requests dropped as stale or over capacity'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (instance, time)
TTL toDateTime(time) + INTERVAL ${observations_retention_days} DAY;

-- Hourly aggregates are plain VIEWs over FINAL, not materialized views: a materialized view sees every inserted
-- block, so a redelivered insert (at-least-once sink) or a corrected version would be counted twice, and
-- ReplacingMergeTree folds duplicates only at merge time. FINAL folds them at read time, so these counts never
-- include a duplicate. The cost is paid per query; it is small for hour-level reports over bounded ranges.
CREATE VIEW IF NOT EXISTS btda.downloads_hourly AS
SELECT
    toStartOfHour(crossed_at) AS hour,
    info_hash,
    count() AS downloads,
    countIf(client IS NULL) AS downloads_unknown_client
FROM btda.confirmed_downloads FINAL
GROUP BY hour, info_hash;

CREATE VIEW IF NOT EXISTS btda.discoveries_hourly AS
SELECT
    toStartOfHour(discovered_at) AS hour,
    info_hash,
    source,
    count() AS discoveries,
    sum(is_new) AS new_peers,
    uniqExact(peer_key) AS distinct_peers
FROM btda.discoveries FINAL
GROUP BY hour, info_hash, source;
