-- The run's candidate rows, as the contract sees them.
select * from candidate.scores where run_id = $run_id
