-- Whether a run scores a night of a backfill: one row, one boolean.
select count(*) > 0 as backfill_night from meta.backfill_nights where run_id = $run_id
