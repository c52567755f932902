-- The engagement rows of the window's days from day_from to day_to (the first days of a young network's
-- newcomers, read only to judge bursts): one row per network, actor, target and day.
select network, actor_id, target_id, activity_date
from score_edges(cast($epoch as date), $half_life, cast($day_from as date), cast($day_to as date), null)
