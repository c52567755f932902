-- A file's stream notices by kind, for its reconcile line. Grain: one row per kind. `undelivered` is the largest
-- rate-limit count (the stream's counts run up from its connection, so they are not summed).
select kind, count(*) as notices, max(undelivered) as undelivered
from raw.stream_notices
where file_id = $file_id
group by kind
order by notices desc, kind
