-- marts.post_daily for one logical date: one row per network post posted that day, with its reactions
-- (the larger of its counters and of the reactions we saw linked to it).
delete from marts.post_daily where activity_date = $logical_date;

insert into marts.post_daily
with posts as (
    select * from staging.posts where event_date = $logical_date
),

linked as (
    select i.network, i.post_id, count(*) as reactions
    from staging.interactions as i
    inner join posts as p on p.network = i.network and p.post_id = i.post_id and p.author_id = i.target_id
    where i.actor_id <> i.target_id and i.kind <> 'follow'
    group by all
),

final as (
    select
        p.network,
        p.post_id,
        p.author_id,
        p.event_date as activity_date,
        greatest(
            coalesce(p.likes, 0) + coalesce(p.reposts, 0) + coalesce(p.replies, 0) + coalesce(p.quotes, 0),
            coalesce(l.reactions, 0)
        ) as reactions,
        greatest(coalesce(p.likes, 0), coalesce(p.reposts, 0)) as reactor_bound
    from posts as p
    left join linked as l using (network, post_id)
)

select * from final;
