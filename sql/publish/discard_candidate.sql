-- Discard a rejected run's candidate rows and its shadow run's; `{table}` comes from clout.published_tables.
delete from candidate.{table} where run_id = $run_id or run_id = $run_id || '-shadow';
