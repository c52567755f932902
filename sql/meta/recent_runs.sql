-- Recent runs, newest first: one row per run (shadow runs, which only serve the gate's attribution, left out),
-- with the gate's outcome and how the night's change splits into data-driven and algorithm-driven parts
-- (mean absolute move in points, and share of accounts moved 10+ points), and who approved a held run.
select
    r.run_id,
    r.logical_date,
    r.algorithm_version,
    r.status,
    -- several runs of a date can have been published in turn; the live one is the one published.nights names
    exists (select 1 from published.nights as n where n.run_id = r.run_id) as live,
    r.outcome,
    -- who published it past the gate's HOLD: `clout approve`, or the promotion of a held backfill (an approval too)
    case when r.outcome = 'HOLD' then a.actor end as approved_by,
    g.attribution,
    round(g.data_mean_abs_move, 3) as data_driven_move,
    round(g.algorithm_mean_abs_move, 3) as algorithm_driven_move,
    round(g.data_share_moved, 4) as data_driven_moved_10,
    round(g.algorithm_share_moved, 4) as algorithm_driven_moved_10,
    r.rows_staged,
    r.rows_scored,
    r.seconds,
    r.message
from meta.runs as r
left join meta.gate_outcomes as g using (run_id)
left join (
    select run_id, arg_max(actor, publish_id) as actor
    from meta.publish_log
    where action in ('approve', 'backfill')
    group by run_id
) as a using (run_id)
where r.status <> 'shadow'
order by r.started_at desc
limit $limit
