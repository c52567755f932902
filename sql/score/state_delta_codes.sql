-- The accounts' contributions (state_contributions.sql) with their codes in the chain: temp table
-- score_delta_accounts, one row per network account, its code the one the chain holds, else a new code after the
-- chain's largest, in (network, account_id) order. Every actor and target of the days' engagement is one of them.
-- Their rows as the chain holds them before the night: temp table score_accounts_held, one row per held account
-- of the night; the night's journal and new rows are made from it (state_journal.sql, state_accounts.sql), so a
-- night reads every account of the chain once, here.
create or replace temp table score_accounts_held as
select a.*
from state.score_accounts as a
semi join score_named_accounts as n on n.network = a.network and n.account_id = a.account_id
where a.chain_id = $chain_id;

create or replace temp table score_delta_accounts as
with top as (
    select coalesce(max(code), -1) as code from state.score_accounts where chain_id = $chain_id
),

named as (
    select n.*, h.code as held_code
    from score_named_accounts as n
    left join score_accounts_held as h on h.network = n.network and h.account_id = n.account_id
),

final as (
    select n.* exclude (held_code),
           coalesce(n.held_code, cast(top.code + row_number() over (
               partition by n.held_code is null order by n.network, n.account_id) as integer)) as code
    from named as n
    cross join top
)

select * from final;
