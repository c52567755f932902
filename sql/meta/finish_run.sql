update meta.runs
set status = coalesce($status, status),
    outcome = coalesce($outcome, outcome),
    message = $message,
    finished_at = now(),
    seconds = round(epoch(now()) - epoch(started_at), 3)
where run_id = $run_id;
