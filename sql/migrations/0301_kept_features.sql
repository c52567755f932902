-- Window features kept from a run's score step for its gate (issue 5). When the algorithm changed, the gate
-- scores the night again with the last published algorithm (the shadow run). If both algorithms read the window
-- the same way (same window, feature and impact settings), the shadow run reuses the candidate's features
-- instead of recomputing them (reading the window, PageRank): the expensive half of scoring. The gate drops
-- them when it is done, so they live only between a run's score step and its audit.
create schema if not exists scratch;

-- meta.kept_features: one row per run whose feature frame is kept, naming the scratch table that holds it and
-- the feature settings (clout.stages.score.features_key) that made it.
create table meta.kept_features (
    run_id        varchar primary key,
    features_key  varchar not null,
    table_name    varchar not null,
    accounts      bigint not null,
    kept_at       timestamp not null
);
