-- score_profile (temp): one row per reactor (network account reacting to someone in the chain's state) on a
-- logical date: how many accounts it reacts to, whether anyone reacts to it, its first sighting, and the fresh
-- rules of transforms/features.py reactor_profile (`is_new`; `mature` = its network was observed long enough).
create or replace temp table score_profile as
with pairs as (
    select network, actor_id, target_id from state.score_pairs where chain_id = $chain_id
),

targets as (
    select network, actor_id as account_id, count(*) as targets from pairs group by all
),

receivers as (
    select distinct network, target_id as account_id from pairs
),

activity as (
    -- network_first_seen over every account seen, excluded or not (as sql/score/account_activity.sql)
    select network, account_id, first_seen, min(first_seen) over (partition by network) as network_first_seen
    from state.score_accounts
    where chain_id = $chain_id and first_seen is not null
),

final as (
    select
        t.network,
        t.account_id,
        t.targets,
        a.first_seen,
        coalesce(
            a.first_seen > cast($logical_date as date) - cast($fresh_days as integer)
            and t.targets <= $low_activity_targets
            and r.account_id is null
            and a.first_seen - a.network_first_seen > $burst_min_history_days,
            false) as is_new,
        coalesce(a.first_seen - a.network_first_seen > $fresh_days, false) as mature
    from targets as t
    left join receivers as r on r.network = t.network and r.account_id = t.account_id
    left join activity as a on a.network = t.network and a.account_id = t.account_id
)

select * from final;
