-- How an observation's connection was made (Observation v4): over TCP or uTP (BEP 29), and whether it was set up
-- through a BEP 55 holepunch rendezvous. Additive only: older rows read NULL (they were all TCP) and false.
-- (V004 is left to the MSE/encryption column of the same schema version.)

ALTER TABLE btda.observations
    ADD COLUMN IF NOT EXISTS transport LowCardinality(Nullable(String)) COMMENT 'TCP or UTP; NULL before Observation v4 (TCP)',
    ADD COLUMN IF NOT EXISTS holepunch Bool DEFAULT false COMMENT 'connection set up through a BEP 55 rendezvous';
