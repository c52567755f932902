-- Reactions per post of the window: one row per network post.
select network, post_id, author_id, reactions, reactor_bound
from marts.post_daily
where activity_date > cast($logical_date as date) - cast($window_days as integer)
  and activity_date <= $logical_date
