-- marts.account_daily for one logical date: one row per network, account and day with any activity.
delete from marts.account_daily where activity_date = $logical_date;

insert into marts.account_daily
with edges as (
    select * from marts.engagement_daily where activity_date = $logical_date
),

received as (
    select network, target_id as account_id, sum(reactions) as reactions_received, count(*) as distinct_reactors
    from edges
    group by all
),

sent as (
    select network, actor_id as account_id, sum(reactions) as reactions_sent
    from edges
    group by all
),

final as (
    select
        coalesce(r.network, s.network) as network,
        coalesce(r.account_id, s.account_id) as account_id,
        cast($logical_date as date) as activity_date,
        coalesce(r.reactions_received, 0) as reactions_received,
        coalesce(r.distinct_reactors, 0) as distinct_reactors,
        coalesce(s.reactions_sent, 0) as reactions_sent
    from received as r
    full outer join sent as s using (network, account_id)
)

select * from final;
