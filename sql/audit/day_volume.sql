-- The interactions of the night's day against the days before it: one row. `interactions`: the day's reactions
-- (marts.engagement_daily, every network); `usual`: the median over the $history_days days before it that had
-- any; `days`: how many such days there were. A delivery cut short leaves a day far below its usual volume, which
-- moves a window's scores too little for the swing gate to see (clout/audit/checks.py, interactions_delivered).
with days as (
    select activity_date, sum(reactions) as interactions
    from marts.engagement_daily
    where activity_date between cast($logical_date as date) - cast($history_days as integer)
        and cast($logical_date as date)
    group by activity_date
)

select
    coalesce(sum(interactions) filter (where activity_date = $logical_date), 0) as interactions,
    median(interactions) filter (where activity_date < $logical_date) as usual,
    count(*) filter (where activity_date < $logical_date) as days
from days
