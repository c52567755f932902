-- meta.run_inputs: one row per scoring run (nightly, backfill night or shadow run): a digest of what its scores
-- were made from (the feature settings' key, the night's feature frame and the topics' input rows;
-- clout.score.score.inputs_digest). Two runs of one algorithm with the same digest scored the same rows, so the
-- gate of a backfill night reads the published run of its date as the old algorithm's scores instead of scoring
-- the night again (the shadow run, clout/audit/gate.py).
create table meta.run_inputs (
    run_id         varchar primary key,
    inputs_digest  varchar not null
);
