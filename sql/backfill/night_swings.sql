-- A backfill's kept night sums (meta.backfill_night_swing), one row per night of its range, in date order.
select s.*
from meta.backfill_night_swing as s
inner join meta.backfill_nights as n using (backfill_id, logical_date)
where s.backfill_id = $backfill_id
order by s.logical_date
