-- The nights of one backfill, in date order, with their runs and gate outcomes.
select n.logical_date, n.run_id, n.status, n.outcome, g.attribution, g.algorithm_share_moved,
       g.algorithm_mean_abs_move, g.data_share_moved, g.report_path
from meta.backfill_nights as n
left join meta.gate_outcomes as g using (run_id)
where n.backfill_id = $backfill_id
order by n.logical_date
