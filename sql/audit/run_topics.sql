-- One run's candidate topic scores: one row per network account and topic. `{table}` comes from config/gate.yaml.
select * exclude (run_id, logical_date) from candidate.{table} where run_id = $run_id
