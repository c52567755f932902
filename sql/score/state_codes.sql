-- score_codes (temp): the night's PageRank index of the window's accounts, contiguous per network and in
-- (network, account_id) order, as transforms/features.py account_codes makes them, beside each account's code in
-- the chain's state (state_code). Grain: one row per network account of score_features (state_features.sql: the
-- same filter), in index order; made from the state itself, so that PageRank need not wait for the features.
create or replace temp table score_codes as
select network, account_id, code as state_code,
       cast(row_number() over (order by network, account_id) - 1 as integer) as code
from state.score_accounts
where chain_id = $chain_id and (targets_n > 0 or reactors_n > 0)
order by code;
