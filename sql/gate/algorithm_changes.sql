-- Whether the gate will need a shadow run for a night scored with `$fingerprint`: true when a published night it
-- may be compared with (the last $nights before the date, whose majority algorithm is the reference in a mixed
-- history, or the same date for a backfill night) was scored with another algorithm. One row, one boolean.
with recent as (
    select n.logical_date, n.run_id
    from published.nights as n
    where n.logical_date < $logical_date
    order by n.logical_date desc
    limit $nights
),

baselines as (
    select r.fingerprint
    from published.nights as n
    inner join meta.runs as r using (run_id)
    where n.run_id in (select run_id from recent) or n.logical_date = $logical_date
)

select coalesce(bool_or(fingerprint <> $fingerprint), false) as changed
from baselines
