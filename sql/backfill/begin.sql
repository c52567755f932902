-- A new backfill and one pending row per night of its range.
insert into meta.backfills (backfill_id, date_from, date_to, algorithm_version, fingerprint, status, started_at)
values ($backfill_id, $date_from, $date_to, $algorithm_version, $fingerprint, 'running', now());

insert into meta.backfill_nights (backfill_id, logical_date, status)
select $backfill_id, cast(d as date), 'pending'
from generate_series(cast($date_from as date), cast($date_to as date), interval 1 day) as t(d);
