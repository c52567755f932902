-- The engagement graph of the trailing window ending on the logical date (inclusive): one row per network,
-- actor, target and day. Minors get no score, and their reactions count for nobody: edges touching a minor's
-- account are left out.
with minors as (
    select network, account_id from staging.identity_links where is_minor
),

edges as (
    select network, actor_id, target_id, activity_date, reposts, replies, mentions, quotes, likes
    from marts.engagement_daily
    where activity_date > cast($logical_date as date) - cast($window_days as integer)
      and activity_date <= $logical_date
),

final as (
    select e.*
    from edges as e
    anti join minors as a on a.network = e.network and a.account_id = e.actor_id
    anti join minors as t on t.network = e.network and t.account_id = e.target_id
)

select * from final
