-- The PageRank vector a chain kept for night night (the night before the one being scored), by the accounts'
-- codes in the state: one row per account then scored.
select code, rank
from state.score_impact
where chain_id = $chain_id and night = $night
