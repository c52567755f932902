-- One run's contract checks: one row per check.
select * from meta.gate_checks where run_id = $run_id order by passed, check_name, column_name
