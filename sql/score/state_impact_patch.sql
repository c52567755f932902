-- The pairs the night just applied touched (score_touched, from state_apply.sql), as they are now: reactions
-- null for a pair the night deleted. What patches the kept PageRank edges of the night before
-- (clout/score/impact_edges.py). One row per touched pair.
select t.target as dst, t.actor as src, cast(m.reactions_s as double) as reactions
from score_touched as t
left join score_touched_mutual as m on m.actor = t.actor and m.target = t.target
