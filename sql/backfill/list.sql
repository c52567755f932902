-- Every backfill, newest first: one row per backfill (its range, algorithm, status, gate outcome, who decided).
select backfill_id, date_from, date_to, algorithm_version, status, outcome, started_at, actor, reason
from meta.backfills
order by started_at desc
