-- Recent runs, newest first.
select run_id, logical_date, algorithm_version, status, outcome, rows_staged, rows_scored, seconds, message
from meta.runs
order by started_at desc
limit $limit
