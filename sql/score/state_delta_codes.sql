-- The accounts' contributions (state_contributions.sql) with their codes in the chain: temp table
-- score_delta_accounts, one row per network account, its code the one the chain holds, else a new code after the
-- chain's largest, in (network, account_id) order. Every actor and target of the days' engagement is one of them.
create or replace temp table score_delta_accounts as
with top as (
    -- the accounts read apart here and below: DuckDB materializes a CTE read twice (every account of the chain)
    select coalesce(max(code), -1) as code from state.score_accounts where chain_id = $chain_id
),

named as (
    select n.*, h.code as held_code
    from score_named_accounts as n
    left join (select network, account_id, code from state.score_accounts where chain_id = $chain_id) as h
        on h.network = n.network and h.account_id = n.account_id
),

final as (
    -- Only the new accounts are numbered: one window over every named account sorted millions of held ones
    -- (4.8M a steady night at 10M accounts, 5 s) to number a few. `named` is read twice, so DuckDB materializes
    -- it: the night's accounts, not the chain's.
    select n.* exclude (held_code), n.held_code as code
    from named as n
    where n.held_code is not null
    union all
    select n.* exclude (held_code), cast(top.code + row_number() over (order by n.network, n.account_id) as integer)
    from named as n
    cross join top
    where n.held_code is null
)

select * from final;
