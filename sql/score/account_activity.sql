-- When each account (and each network) was first seen, over all history up to the logical date: one row per
-- network and account. "Fresh" accounts (bought engagement) are judged from it.
with days as (
    select network, account_id, min(activity_date) as first_seen
    from marts.account_daily
    where activity_date <= $logical_date
    group by all
),

final as (
    select network, account_id, first_seen, min(first_seen) over (partition by network) as network_first_seen
    from days
)

select * from final
