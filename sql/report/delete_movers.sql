-- A rerun's report replaces the run's movers.
delete from meta.report_movers where run_id = $run_id
