-- staging.interactions for one logical date: one row per distinct interaction (natural key:
-- network, actor, target, kind, time, post). Rerunning the date replaces its rows.
delete from staging.interactions where event_date = $logical_date;

insert into staging.interactions
with generic as (
    select
        network,
        actor_id,
        target_id,
        case kind_raw
            when 'RT' then 'repost' when 'RE' then 'reply' when 'MT' then 'mention'
            when 'QT' then 'quote' when 'LK' then 'like' when 'FW' then 'follow'
            else kind_raw
        end as kind,
        cast(null as varchar) as post_id,
        occurred_at,
        event_date,
        file_id
    from raw.generic_interactions
    where event_date = $logical_date
),

final as (
    select
        network, actor_id, target_id, kind, post_id, occurred_at, event_date,
        min(file_id) as source_file_id
    from generic
    group by all
)

select * from final;
