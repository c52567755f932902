-- One run's gate outcome (zero or one row).
select * from meta.gate_outcomes where run_id = $run_id
