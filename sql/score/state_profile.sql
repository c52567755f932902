-- score_profile (temp): one row per reactor (network account reacting to someone in the chain's state) on a
-- logical date: how many accounts it reacts to, whether anyone reacts to it, its first sighting, and the fresh
-- rules of transforms/features.py reactor_profile (`is_new`; `mature` = its network was observed long enough).
-- Read from the accounts' pair counts (targets_n, reactors_n: kept by state_accounts.sql), not from the pairs.
create or replace temp table score_profile as
with accounts as (
    select network, account_id, code, first_seen, targets_n, reactors_n,
           -- network_first_seen over every account seen, excluded or not (as sql/score/account_activity.sql)
           min(first_seen) over (partition by network) as network_first_seen
    from state.score_accounts
    where chain_id = $chain_id
),

final as (
    select
        network,
        account_id,
        code,
        targets_n as targets,
        first_seen,
        coalesce(
            first_seen > cast($logical_date as date) - cast($fresh_days as integer)
            and targets_n <= $low_activity_targets
            and reactors_n = 0
            and first_seen - network_first_seen > $burst_min_history_days,
            false) as is_new,
        coalesce(first_seen - network_first_seen > $fresh_days, false) as mature
    from accounts
    where targets_n > 0
)

select * from final;
