-- The gate's verdict on every run, newest first: outcome, what drove the change, and the report to read.
with final as (
    select r.logical_date, r.run_id, r.algorithm_version, r.status, g.outcome, g.attribution,
           g.data_share_moved, g.algorithm_share_moved, g.report_path
    from meta.runs as r
    left join meta.gate_outcomes as g using (run_id)
    where r.status <> 'shadow'
    order by r.started_at desc
)

select * from final
