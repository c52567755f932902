select * from meta.backfills where backfill_id = $backfill_id
