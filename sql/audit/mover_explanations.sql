-- Why the report's top movers moved: one row per network and account of the frame `movers` (the top risers
-- and fallers only, so the report never reads a night's explanations in full).
select m.network, m.account_id, c.change_explained as explanation
from movers as m
inner join candidate.scores as c on c.network = m.network and c.account_id = m.account_id
where c.run_id = $run_id
