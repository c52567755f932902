-- The nights of a backfill whose kept sums (meta.backfill_night_swing) do not hold any more, or were never made:
-- none kept (a night gated by an older clout), another run of the night, another published run of the date (a
-- rollback, a new night published meanwhile) or an erasure since (it may have deleted or renamed rows on either
-- side). One row per such night, with the runs to compare now.
select n.logical_date, n.run_id, p.run_id as published_run_id
from meta.backfill_nights as n
left join published.nights as p on p.logical_date = n.logical_date
left join meta.backfill_night_swing as s on s.backfill_id = n.backfill_id and s.logical_date = n.logical_date
where n.backfill_id = $backfill_id
  and (s.backfill_id is null
       or s.run_id is distinct from n.run_id
       or s.published_run_id is distinct from p.run_id
       or s.erasure_id <> (select coalesce(max(erasure_id), 0) from meta.erasures))
order by n.logical_date
