-- What held each held night of a backfill: the gate's metrics past their bound (verdict hold), one row per night and
-- metric: the whole night's row where there is one, else the first group's (a network).
select n.logical_date, r.metric, r.scope, r.scope_value, r.value, r.bound
from meta.backfill_nights as n
inner join meta.gate_results as r on r.run_id = n.run_id
where n.backfill_id = $backfill_id and r.verdict = 'hold'
qualify row_number() over (partition by n.logical_date, r.metric
                           order by r.scope = 'all' desc, r.scope, r.scope_value) = 1
order by n.logical_date, r.metric
