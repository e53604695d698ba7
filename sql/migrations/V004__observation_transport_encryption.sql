-- How each contact was carried (Observation v4): transport (TCP or UTP), encryption (PLAIN, or RC4 after the MSE/PE
-- handshake) and whether a BEP 55 holepunch rendezvous set it up. Additive: rows from before v4 read NULL/false,
-- which means plaintext TCP (the only kind btda made then).

ALTER TABLE btda.observations
    ADD COLUMN IF NOT EXISTS transport  LowCardinality(Nullable(String)) COMMENT 'TCP or UTP; NULL before v4 (TCP) or never dialled',
    ADD COLUMN IF NOT EXISTS encryption LowCardinality(Nullable(String)) COMMENT 'PLAIN or RC4; NULL before v4 (PLAIN) or never dialled',
    ADD COLUMN IF NOT EXISTS holepunch  Bool DEFAULT false COMMENT 'reached through a BEP 55 rendezvous';
