-- meta.run_inputs: one row per scoring run (nightly, backfill night or shadow run): a digest of what its scores
-- were made from (the feature settings' key, the night's feature frame and the topics' input rows;
-- clout.score.score.inputs_digest). Two runs of one algorithm with the same digest scored the same rows, so when
-- the gate needs the old algorithm's scores of a night (the shadow run, clout/audit/gate.py) whose live run made
-- them from the same inputs (a backfill night, usually), it reads that run instead of scoring the night again.
create table meta.run_inputs (
    run_id         varchar primary key,
    inputs_digest  varchar not null
);
