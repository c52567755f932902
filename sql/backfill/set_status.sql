update meta.backfills
set status = $status,
    outcome = coalesce($outcome, outcome),
    summary = coalesce($summary, summary),
    report_path = coalesce($report_path, report_path),
    actor = coalesce($actor, actor),
    reason = coalesce($reason, reason),
    finished_at = now()
where backfill_id = $backfill_id;
