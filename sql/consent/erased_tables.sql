-- The published tables an erasure changed: their live partitions are written again without the erased rows.
-- published.<t> is a view over candidate.<t> (sql/published/live_table.sql), so the erasure changed it when it
-- changed candidate.<t>; 'published.%' names are from erasures logged before the views (migration 0800).
select distinct 'published.' || split_part(table_name, '.', 2) as table_name
from meta.erasure_log
where erasure_id = $erasure_id
  and (table_name like 'candidate.%' or table_name like 'published.%')
  and action in ('deleted', 'pseudonymised')
order by 1
