-- Kept feature frames nobody will read: their run failed before its gate, was audited already, or is gone.
select k.run_id, k.table_name
from meta.kept_features as k
left join meta.runs as r using (run_id)
where r.run_id is null
    or r.status in ('failed', 'rejected', 'rolled_back', 'published')
    or exists (select 1 from meta.gate_outcomes as g where g.run_id = k.run_id)
