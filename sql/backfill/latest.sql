-- The latest backfill of the same range and algorithm fingerprint: the one the same command acts on again
-- (resumed while unfinished, reported once promoted, rolled back or rejected).
select backfill_id, status, finished_at, actor, reason
from meta.backfills
where date_from = $date_from and date_to = $date_to and fingerprint = $fingerprint
order by started_at desc
limit 1
