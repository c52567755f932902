-- Rebuild: insert one part of the window's pairs (score_delta_pairs, from state_delta_pairs.sql over every day of
-- the window into an empty state) into state.score_pairs with each pair's mutual flag (a pair and its reverse are
-- in the same part).
insert into state.score_pairs
with reversed as (
    select target as actor, actor as target from score_delta_pairs
),

final as (
    select $chain_id as chain_id, p.actor, p.target, p.reactions_s, p.days, p.last_day, p.last_s,
           r.actor is not null as mutual
    from score_delta_pairs as p
    left join reversed as r on r.actor = p.actor and r.target = p.target
)

select * from final;
