-- score_codes (temp): the night's PageRank index of the window's accounts, contiguous per network and in
-- (network, account_id) order, as transforms/features.py account_codes makes them, beside each account's code in
-- the chain's state (state_code). One row per network account, in index order.
create or replace temp table score_codes as
select network, account_id, code as state_code,
       cast(row_number() over (order by network, account_id) - 1 as integer) as code
from score_features
order by code;
