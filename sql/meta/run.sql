select * from meta.runs where run_id = $run_id
