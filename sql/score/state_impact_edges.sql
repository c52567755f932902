-- Every pair of a chain's state as a PageRank edge (docs/state.md, PageRank's edges): target and actor by their
-- codes in the state, and the pair's reactions_s as a double (the night divides it by E(night)). One row per
-- pair, in no particular order: clout/score/impact_edges.py sorts them and keeps them for the next night.
select target as dst, actor as src, cast(reactions_s as double) as reactions
from state.score_pairs
where chain_id = $chain_id
