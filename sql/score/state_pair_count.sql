-- How many pairs a chain's state holds: the check that kept PageRank edges match the state they were made from.
select count(*) as pairs from state.score_pairs where chain_id = $chain_id
