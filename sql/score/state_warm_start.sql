-- The PageRank vector a chain kept for night night (the night before the one being scored), by today's codes:
-- one row per network account present both then and now.
select c.code, i.rank
from state.score_impact as i
inner join score_codes as c on c.network = i.network and c.account_id = i.account_id
where i.chain_id = $chain_id and i.night = $night
order by c.code
