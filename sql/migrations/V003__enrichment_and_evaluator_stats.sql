-- Peer enrichment (attached by the evaluator before anything is stored; Observation v3, PeerSummary v2) and the
-- evaluator's secondary statistics (EvaluatorStatsRecord v1). Additive only: existing rows read the defaults.
-- `address` is filled only with privacy.store-addresses=true (explicit opt-in); by default it stays NULL.

ALTER TABLE btda.observations
    ADD COLUMN IF NOT EXISTS city      LowCardinality(Nullable(String)) COMMENT 'GeoLite2 city (English)',
    ADD COLUMN IF NOT EXISTS country   LowCardinality(Nullable(String)) COMMENT 'ISO 3166-1 alpha-2',
    ADD COLUMN IF NOT EXISTS continent LowCardinality(Nullable(String)) COMMENT 'two-letter continent code',
    ADD COLUMN IF NOT EXISTS latitude  Nullable(Float64) COMMENT 'rounded to geoip.coordinate-grid',
    ADD COLUMN IF NOT EXISTS longitude Nullable(Float64) COMMENT 'rounded to geoip.coordinate-grid',
    ADD COLUMN IF NOT EXISTS asn       Nullable(UInt32) COMMENT 'autonomous system number',
    ADD COLUMN IF NOT EXISTS as_org    LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS domain    LowCardinality(Nullable(String)) COMMENT 'registered domain of the reverse DNS name',
    ADD COLUMN IF NOT EXISTS address   Nullable(String) COMMENT 'peer IP; only with privacy.store-addresses=true';

ALTER TABLE btda.peers
    ADD COLUMN IF NOT EXISTS city      LowCardinality(Nullable(String)) COMMENT 'latest non-null value',
    ADD COLUMN IF NOT EXISTS country   LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS continent LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS latitude  Nullable(Float64),
    ADD COLUMN IF NOT EXISTS longitude Nullable(Float64),
    ADD COLUMN IF NOT EXISTS asn       Nullable(UInt32),
    ADD COLUMN IF NOT EXISTS as_org    LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS domain    LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS address   Nullable(String) COMMENT 'only with privacy.store-addresses=true';

ALTER TABLE btda.evaluator_stats
    ADD COLUMN IF NOT EXISTS interval_ms              UInt64 COMMENT 'time covered by the mean/max figures',
    ADD COLUMN IF NOT EXISTS incoming_in_flight       UInt32 COMMENT 'incoming connections open',
    ADD COLUMN IF NOT EXISTS failed_first_total       UInt64 COMMENT 'failed contacts with attempt 0',
    ADD COLUMN IF NOT EXISTS failed_later_total       UInt64 COMMENT 'failed contacts with attempt > 0',
    ADD COLUMN IF NOT EXISTS incoming_evaluated_total UInt64 COMMENT 'incoming peers evaluated',
    ADD COLUMN IF NOT EXISTS incoming_refused_total   UInt64 COMMENT 'incoming connections refused',
    ADD COLUMN IF NOT EXISTS unique_incoming_peers    UInt64 COMMENT 'distinct incoming peers since the instance started (estimate)';
