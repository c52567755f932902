-- Build a chain's score state from the contributions of the whole window (state_contributions.sql over every day
-- of it, into an empty state): state.score_pairs with each pair's mutual flag, state.score_accounts with its sums over
-- the pairs (what state_received.sql keeps up to date night by night), and the checksums of the days it holds.
insert into state.score_pairs
with pairs as (
    select * from score_delta_pairs
),

reversed as (
    select network, target_id as actor_id, actor_id as target_id from pairs
),

final as (
    select $chain_id as chain_id, p.network, p.actor_id, p.target_id, p.reactions_s, p.days, p.last_day, p.last_s,
           r.network is not null as mutual
    from pairs as p
    left join reversed as r on r.network = p.network and r.actor_id = p.actor_id and r.target_id = p.target_id
)

select * from final;

insert into state.score_accounts
with pairs as (
    select network, actor_id, target_id, reactions_s, last_s, mutual
    from state.score_pairs
    where chain_id = $chain_id
),

sent as (
    select network, actor_id as account_id, count(*) as targets_n from pairs group by all
),

received as (
    select network, target_id as account_id, count(*) as reactors_n, sum(last_s) as distinct_in_s,
           coalesce(sum(reactions_s) filter (where mutual), 0) as mutual_in_s
    from pairs
    group by all
)

select $chain_id, d.*, coalesce(s.targets_n, 0), coalesce(r.reactors_n, 0), coalesce(r.distinct_in_s, 0),
       coalesce(r.mutual_in_s, 0)
from score_delta_accounts as d
left join sent as s on s.network = d.network and s.account_id = d.account_id
left join received as r on r.network = d.network and r.account_id = d.account_id;

insert into state.score_days
select $chain_id, activity_date, checksum, false
from marts.day_checksums
where activity_date between $in_from and $in_to;
