-- The interactions of the night's day against the days before it, per network: one row per network that had
-- interactions on any day looked at. `interactions`: the day's reactions (marts.engagement_daily; 0 when none
-- came); `usual`: the median over the network's latest $history_days days with any before it, within
-- $lookback_days (after an outage the days before it still count); `days`: how many such days. A network's
-- delivery cut short or missing leaves its day far below its usual volume, which moves a window's scores too
-- little for the swing gate to see, and other networks' days would hide it in a total (clout/audit/checks.py).
with daily as (
    select network, activity_date, sum(reactions) as interactions
    from marts.engagement_daily
    where activity_date between cast($logical_date as date) - cast($lookback_days as integer)
        and cast($logical_date as date)
    group by all
),

history as (
    select network, interactions
    from daily
    where activity_date < $logical_date
    qualify row_number() over (partition by network order by activity_date desc) <= $history_days
),

usual as (
    select network, median(interactions) as usual, count(*) as days
    from history
    group by network
),

final as (
    select u.network, coalesce(t.interactions, 0) as interactions, u.usual, u.days
    from usual as u
    left join (select network, interactions from daily where activity_date = $logical_date) as t using (network)
)

select * from final
order by network
