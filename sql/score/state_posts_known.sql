-- The networks with post data in a chain's window (a network without any has unknown posts, not zero): one row
-- per network.
select network
from state.score_accounts
where chain_id = $chain_id
group by network
having sum(posts_n) > 0
