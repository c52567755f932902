-- Forget a chain's score state (before it is rebuilt from the window's start): every state table's rows of it.
-- Its kept PageRank vectors are set aside by account id (temp table score_impact_named) for state_rebuild.sql to
-- put back under the new codes, so a night scored after a rebuild starts where it would have without one.
create or replace temp table score_impact_named as
select i.night, a.network, a.account_id, i.rank
from state.score_impact as i
inner join state.score_accounts as a on a.chain_id = i.chain_id and a.code = i.code
where i.chain_id = $chain_id;

delete from state.score_pairs where chain_id = $chain_id;
delete from state.score_accounts where chain_id = $chain_id;
delete from state.score_pair_journal where chain_id = $chain_id;
delete from state.score_account_journal where chain_id = $chain_id;
delete from state.score_days where chain_id = $chain_id;
delete from state.score_impact where chain_id = $chain_id;
