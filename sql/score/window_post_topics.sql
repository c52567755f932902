-- Topic matches of the window's posts: one row per network post and topic.
select network, post_id, author_id, activity_date, topic_id, source
from marts.post_topics
where activity_date > cast($logical_date as date) - cast($window_days as integer)
  and activity_date <= $logical_date
