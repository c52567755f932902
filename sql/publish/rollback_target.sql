-- What `clout rollback` undoes (zero or one row): the last publish action (publish, approve or backfill) whose run is
-- still live; with $logical_date, the last one of that date; with $run_id, that run's. previous_run_id is the run
-- that was live for the date before the action (null when the action added the date).
with actions as (
    select
        l.publish_id,
        l.action,
        l.logical_date,
        l.run_id,
        l.previous_run_id,
        l.algorithm_version,
        l.actor,
        l.published_at
    from meta.publish_log as l
    inner join published.nights as n on l.logical_date = n.logical_date and l.run_id = n.run_id
    where
        l.action in ('publish', 'approve', 'backfill')
        and ($logical_date is null or l.logical_date = $logical_date)
        and ($run_id is null or l.run_id = $run_id)
),

final as (
    select
        a.*,
        p.algorithm_version as previous_algorithm_version
    from actions as a
    left join meta.runs as p on a.previous_run_id = p.run_id
    order by a.publish_id desc
    limit 1
)

select * from final
