-- Keep the night's PageRank vector (registered frame `impact`: code, rank) as the next night's starting point;
-- vectors older than keep_from are dropped. One row per chain, night and network account.
delete from state.score_impact where chain_id = $chain_id and (night = $night or night < $keep_from);

insert into state.score_impact
select $chain_id, cast($night as date), c.network, c.account_id, i.rank
from impact as i
inner join score_codes as c on c.code = i.code;
