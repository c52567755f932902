-- The engagement graph of the trailing window ending on the logical date (inclusive).
select network, actor_id, target_id, activity_date, reactions
from marts.engagement_daily
where activity_date > cast($logical_date as date) - cast($window_days as integer)
  and activity_date <= $logical_date
