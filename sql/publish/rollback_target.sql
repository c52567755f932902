-- What `clout rollback` undoes (zero or one row): the newest published night, the run live for it, and the
-- run that was live for that date before it (null when publishing it added the date).
with newest as (
    select logical_date, run_id
    from published.nights
    order by logical_date desc
    limit 1
),

made_live as (
    select l.previous_run_id
    from meta.publish_log as l
    inner join newest as n on l.logical_date = n.logical_date and l.run_id = n.run_id
    where l.action in ('publish', 'approve')
    order by l.publish_id desc
    limit 1
),

final as (
    select n.logical_date, n.run_id, m.previous_run_id
    from newest as n
    left join made_live as m on true
)

select * from final
