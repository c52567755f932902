-- Build a chain's score state from the contributions of the whole window (state_contributions.sql over every day
-- of it, into an empty state): state.score_pairs with each pair's mutual flag, state.score_accounts, and the
-- checksums of the days it holds.
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
select $chain_id, * from score_delta_accounts;

insert into state.score_days
select $chain_id, activity_date, checksum, false
from marts.day_checksums
where activity_date between $in_from and $in_to;
