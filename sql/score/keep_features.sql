-- Keep a run's feature frame (registered as `kept_features`) for its shadow run; grain: one row per network
-- account of the window's graph. `{table}` is scratch.features_<run id>, built by clout.score.score.
create or replace table {table} as select * from kept_features;

insert or replace into meta.kept_features (run_id, features_key, table_name, accounts, kept_at)
values ($run_id, $features_key, '{table}', (select count(*) from {table}), now());
