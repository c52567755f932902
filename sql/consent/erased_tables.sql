-- The published tables an erasure changed: their live partitions are written again without the erased rows.
select distinct table_name
from meta.erasure_log
where erasure_id = $erasure_id
  and table_name like 'published.%'
  and action in ('deleted', 'pseudonymised')
order by 1
