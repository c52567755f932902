-- One run's candidate scores (a nightly run or its shadow): one row per network and account.
select * exclude (run_id, logical_date) from candidate.scores where run_id = $run_id
