-- Whether the gate will need a shadow run for a night scored with `$fingerprint`: true when the published night
-- it will be compared with (the last one before the date for a nightly run, the same date for a backfill night)
-- was scored with another algorithm. One row, one boolean.
with baselines as (
    select r.fingerprint
    from published.nights as n
    inner join meta.runs as r using (run_id)
    where n.logical_date = (select max(logical_date) from published.nights where logical_date < $logical_date)
        or n.logical_date = $logical_date
)

select coalesce(bool_or(fingerprint <> $fingerprint), false) as changed
from baselines
