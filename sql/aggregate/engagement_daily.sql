-- marts.engagement_daily for one logical date: one row per network, actor, target and day.
-- Self-interactions are left out: replying to yourself is not influence.
delete from marts.engagement_daily where activity_date = $logical_date;

insert into marts.engagement_daily
with interactions as (
    select * from staging.interactions
    where event_date = $logical_date and actor_id <> target_id and kind <> 'follow'
),

final as (
    select
        network,
        actor_id,
        target_id,
        event_date as activity_date,
        count(*) filter (where kind = 'repost') as reposts,
        count(*) filter (where kind = 'reply') as replies,
        count(*) filter (where kind = 'mention') as mentions,
        count(*) filter (where kind = 'quote') as quotes,
        count(*) filter (where kind = 'like') as likes,
        count(*) as reactions
    from interactions
    group by all
)

select * from final;
