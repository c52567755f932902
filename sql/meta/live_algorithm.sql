-- The algorithm of the newest published night (zero or one row): what a run given no algorithm scores with, so a
-- promoted backfill's algorithm carries on into the nights after it.
select r.algorithm_version
from published.nights as n
inner join meta.runs as r using (run_id)
order by n.logical_date desc
limit 1
