-- Refresh the mutual flag of the pairs a night touched (temp table score_touched) and of their reverse pairs:
-- the only pairs whose reverse can have appeared or gone. score_touched_mutual keeps those pairs as they are now,
-- with the flag before and after, for state_received.sql.
create or replace temp table score_touched_mutual as
with touched as (
    select network, actor_id, target_id from score_touched
    union
    select network, target_id, actor_id from score_touched
),

present as (
    select p.network, p.actor_id, p.target_id, p.reactions_s, p.last_s, p.mutual as old_mutual
    from state.score_pairs as p
    semi join touched as t on t.network = p.network and t.actor_id = p.actor_id and t.target_id = p.target_id
    where p.chain_id = $chain_id
),

final as (
    select a.network, a.actor_id, a.target_id, a.reactions_s, a.last_s, a.old_mutual,
           b.network is not null as mutual
    from present as a
    left join present as b on b.network = a.network and b.actor_id = a.target_id and b.target_id = a.actor_id
)

select * from final;

update state.score_pairs as p
set mutual = t.mutual
from score_touched_mutual as t
where p.chain_id = $chain_id and p.network = t.network and p.actor_id = t.actor_id and p.target_id = t.target_id
  and p.mutual <> t.mutual;
