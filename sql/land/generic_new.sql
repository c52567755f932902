-- Reconcile of one generic file: the distinct interactions it brings that no other file brought before.
-- Grain: one row (the count). Natural key: network, actor, target, kind, time, post. Other files' rows are
-- read only on the days this file covers, so a file of new days costs one pass over its own rows.
with this_file as materialized (
    select distinct network, actor_id, target_id, kind, occurred_at, post_id, event_date
    from raw.generic_interactions
    where file_id = $file_id
),

earlier as (
    select distinct network, actor_id, target_id, kind, occurred_at, post_id
    from raw.generic_interactions
    where file_id <> $file_id
      and event_date between (select min(event_date) from this_file) and (select max(event_date) from this_file)
),

final as (
    select count(*) filter (where e.actor_id is null) as new_keys
    from this_file as t
    left join earlier as e
        on t.network = e.network and t.actor_id = e.actor_id and t.target_id = e.target_id and t.kind = e.kind
        and t.occurred_at = e.occurred_at and t.post_id is not distinct from e.post_id
)

select * from final
