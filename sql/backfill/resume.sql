-- A failed backfill resumed (the same command again): running again, its failure no longer its reason.
update meta.backfills
set status = 'running', reason = null, finished_at = null
where backfill_id = $backfill_id and status = 'failed'
