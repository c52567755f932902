-- Rows of a night's contributions that the chain's state cannot hold: a pair leaving the window that the state
-- does not have, or more days leaving than it holds. Any means the state does not match the marts (rebuild).
select count(*) as mismatches
from state.score_pair_journal as j
inner join score_delta_pairs as d using (actor, target)
where j.chain_id = $chain_id and j.night = $night
  and ((not j.existed and d.days <= 0) or (j.existed and j.days + d.days < 0))
