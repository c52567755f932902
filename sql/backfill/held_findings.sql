-- Why a backfill was held: the findings of its held nights (JSON lists of {severity, kind, text}), in date order.
-- Grain: one row per held night.
select n.logical_date, g.findings
from meta.backfill_nights as n
inner join meta.gate_outcomes as g using (run_id)
where n.backfill_id = $backfill_id and g.outcome = 'HOLD'
order by n.logical_date
