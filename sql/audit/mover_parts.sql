-- The parts of the score (Shapley points) of the accounts in the frame `movers` (the accounts the algorithm moved
-- most) in one run: one row per network and account of `movers`, so the report never reads a night's parts in full.
select m.network, m.account_id, c.part_reach, c.part_engagement, c.part_rate, c.part_impact, c.part_audience,
       c.part_discount
from movers as m
inner join candidate.scores as c on c.network = m.network and c.account_id = m.account_id
where c.run_id = $run_id
