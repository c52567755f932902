-- Drop a run's kept feature frame once its gate has run. `{table}` comes from meta.kept_features.
drop table if exists {table};

delete from meta.kept_features where run_id = $run_id;
