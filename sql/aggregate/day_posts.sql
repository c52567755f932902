-- The posts of one logical date as topic matching reads them (one row per network post).
select network, post_id, author_id, event_date as activity_date, text, hashtags
from staging.posts
where event_date = $logical_date
