-- The published night of the same logical date (zero or one row): what a backfill night is compared against.
select n.logical_date, n.run_id, r.algorithm_version, r.fingerprint
from published.nights as n
inner join meta.runs as r using (run_id)
where n.logical_date = $logical_date
