-- Reconcile of one generic file: distinct interactions it brings that no other file brought before.
-- Grain: one row (the counts). Natural key: network, actor, target, kind, time, post.
with this_file as (
    select distinct network, actor_id, target_id, kind, occurred_at, post_id, event_date
    from raw.generic_interactions
    where file_id = $file_id
),

earlier as (
    select network, actor_id, target_id, kind, occurred_at, post_id
    from raw.generic_interactions
    where file_id <> $file_id
      and event_date between (select min(event_date) from this_file) and (select max(event_date) from this_file)
),

final as (
    select
        (select count(*) from raw.generic_interactions where file_id = $file_id) as good,
        count(*) as distinct_keys,
        count(*) filter (where e.actor_id is null) as new_keys
    from this_file as t
    left join (select distinct * from earlier) as e
        on t.network = e.network and t.actor_id = e.actor_id and t.target_id = e.target_id and t.kind = e.kind
        and t.occurred_at = e.occurred_at and t.post_id is not distinct from e.post_id
)

select * from final
