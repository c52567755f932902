-- The run about to score a backfill's night, named on the night's row (one row; its status unchanged: pending, or
-- failed when resumed) so that the run's score step finds its backfill (sql/score/previous_night.sql). A run killed
-- before it scored leaves the night pending: the next attempt names its own run.
update meta.backfill_nights
set run_id = $run_id
where backfill_id = $backfill_id and logical_date = $logical_date
