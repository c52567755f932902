-- For each night a backfill promoted: the run it replaced (null when the date was not published before).
with promoted as (
    select l.logical_date, l.run_id, l.previous_run_id,
           row_number() over (partition by l.logical_date order by l.publish_id desc) as newest
    from meta.publish_log as l
    inner join meta.backfill_nights as n on n.run_id = l.run_id and n.logical_date = l.logical_date
    where n.backfill_id = $backfill_id and l.action = 'backfill'
),

final as (
    select logical_date, run_id, previous_run_id from promoted where newest = 1 order by logical_date
)

select * from final
