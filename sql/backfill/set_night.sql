update meta.backfill_nights
set run_id = coalesce($run_id, run_id), status = $status, outcome = coalesce($outcome, outcome)
where backfill_id = $backfill_id and logical_date = $logical_date;
