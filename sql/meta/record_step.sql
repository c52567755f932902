-- Add one step's seconds (and optional counts) to a run's record.
update meta.runs
set timings = json_merge_patch(coalesce(timings, '{}'), json_object($step, round($seconds, 3))),
    rows_staged = coalesce($rows_staged, rows_staged),
    rows_scored = coalesce($rows_scored, rows_scored)
where run_id = $run_id;
