-- An unfinished backfill of the same range and algorithm fingerprint, which a new request resumes
-- (a failed one too: its failed night is scored again).
select backfill_id
from meta.backfills
where date_from = $date_from and date_to = $date_to and fingerprint = $fingerprint
  and status in ('running', 'failed', 'gated', 'held')
order by started_at desc
limit 1
