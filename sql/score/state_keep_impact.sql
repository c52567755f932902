-- Keep the night's PageRank vector (registered frame `impact`: the accounts' codes in the state, rank) as the next
-- night's starting point; vectors older than keep_from are dropped. One row per chain, night and account code.
delete from state.score_impact where chain_id = $chain_id and (night = $night or night < $keep_from);

insert into state.score_impact
select $chain_id, cast($night as date), code, rank
from impact;
