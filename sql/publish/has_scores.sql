-- Whether a run has candidate scores (one row, one boolean): a run is made live only with its rows.
select exists (select 1 from candidate.scores where run_id = $run_id) as present
