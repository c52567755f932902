-- Forget a chain's score state (before it is rebuilt from the window's start): every state table's rows of it.
delete from state.score_pairs where chain_id = $chain_id;
delete from state.score_accounts where chain_id = $chain_id;
delete from state.score_pair_journal where chain_id = $chain_id;
delete from state.score_account_journal where chain_id = $chain_id;
delete from state.score_days where chain_id = $chain_id;
