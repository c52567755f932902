-- score_codes (temp): integer codes of the window's accounts for PageRank, contiguous per network and in
-- (network, account_id) order, as transforms/features.py account_codes makes them. One row per network account.
create or replace temp table score_codes as
select network, account_id, cast(row_number() over (order by network, account_id) - 1 as integer) as code
from score_features;
