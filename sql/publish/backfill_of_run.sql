-- The backfill a run scored a night of (zero or one row): its nights are published or discarded only together.
select backfill_id from meta.backfill_nights where run_id = $run_id
