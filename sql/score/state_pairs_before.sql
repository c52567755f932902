-- score_pairs_before (temp): the pairs of a chain's state that a night's contributions (score_delta_pairs, from
-- state_delta_pairs.sql) touch, and their reverse pairs, as they are before the night: the
-- one scan of the pairs a night makes. The journal, the new rows, the mutual flags and the sums over pairs are
-- made from it (state_journal.sql, state_apply.sql, state_accounts.sql). One row per such pair in the state.
create or replace temp table score_pairs_before as
with touched as (
    select actor, target from score_delta_pairs
    union
    select target, actor from score_delta_pairs
)

select p.actor, p.target, p.reactions_s, p.days, p.last_day, p.last_s, p.mutual
from state.score_pairs as p
semi join touched as t on t.actor = p.actor and t.target = p.target
where p.chain_id = $chain_id;
