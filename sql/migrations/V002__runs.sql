-- btda schema, version 2: what the run record needs beyond V001's btda.runs.
-- last_alive_at: the heartbeat (written every minute while a run is up). A run that ends without a stop row (crash,
-- kill -9, power loss) is closed by a later start with stopped_at = last_alive_at and clean_stop = false, so hourly
-- counts can be read against downtime. command: which btda command recorded the run (local, stream-processor).
-- The settings column holds the effective settings as a JSON object of strings (Settings.describe(), secrets masked).

ALTER TABLE btda.runs ADD COLUMN IF NOT EXISTS last_alive_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest heartbeat' AFTER clean_stop;

ALTER TABLE btda.runs ADD COLUMN IF NOT EXISTS command LowCardinality(String) DEFAULT '' COMMENT 'btda command that ran' AFTER btda_version;
