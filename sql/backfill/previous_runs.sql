-- For each night a backfill promoted: the run it replaced (null when the date was not published before), and the
-- run live for the date now (live_run_id: the backfill's own, unless a later publish or a rollback replaced it).
with promoted as (
    select l.logical_date, l.run_id, l.previous_run_id,
           row_number() over (partition by l.logical_date order by l.publish_id desc) as newest
    from meta.publish_log as l
    inner join meta.backfill_nights as n on n.run_id = l.run_id and n.logical_date = l.logical_date
    where n.backfill_id = $backfill_id and l.action = 'backfill'
),

final as (
    select p.logical_date, p.run_id, p.previous_run_id, n.run_id as live_run_id
    from promoted as p
    left join published.nights as n on n.logical_date = p.logical_date
    where p.newest = 1
    order by p.logical_date
)

select * from final
