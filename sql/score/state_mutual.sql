-- After an undo (state_revert.sql): refresh the mutual flag of the pairs the night touched (temp table
-- score_touched) and of their reverse pairs, the only pairs whose reverse can have appeared or gone.
-- score_touched_mutual keeps those pairs as they are now, with the flag before and after. (Applying a night sets
-- the flags in state_apply.sql, from the one scan of state_pairs_before.sql.)
create or replace temp table score_touched_mutual as
with touched as (
    select actor, target from score_touched
    union
    select target, actor from score_touched
),

present as (
    select p.actor, p.target, p.reactions_s, p.last_s, p.mutual as old_mutual
    from state.score_pairs as p
    semi join touched as t on t.actor = p.actor and t.target = p.target
    where p.chain_id = $chain_id
),

final as (
    select a.actor, a.target, a.reactions_s, a.last_s, a.old_mutual, b.actor is not null as mutual
    from present as a
    left join present as b on b.actor = a.target and b.target = a.actor
)

select * from final;

update state.score_pairs as p
set mutual = t.mutual
from score_touched_mutual as t
where p.chain_id = $chain_id and p.actor = t.actor and p.target = t.target and p.mutual <> t.mutual;
