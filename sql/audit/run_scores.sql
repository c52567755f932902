-- One run's candidate scores (a nightly run or its shadow) as the swing metrics read them: one row per network
-- and account, only the columns they need.
select network, account_id, score, raw_score from candidate.scores where run_id = $run_id
