-- Posts per network account and day in the trailing window (only networks whose posts we know have rows).
select network, author_id as account_id, activity_date, count(*) as posts
from marts.post_daily
where activity_date > cast($logical_date as date) - cast($window_days as integer)
  and activity_date <= $logical_date
group by all
