-- Bring the accounts' sums over pairs (state.score_accounts targets_n, reactors_n, distinct_in_s, mutual_in_s) to
-- the night just applied, from the pairs it changed only: the pairs it touched, as they were (the night's journal)
-- and as they are, and their reverse pairs, whose mutual flag may have flipped (score_touched_mutual, from
-- state_mutual.sql). Exact integer differences, so the sums are the same as recomputed from every pair
-- (state_rebuild.sql), whatever path reached the night. Every account changed here is in the night's account
-- journal (the actor and target of each touched pair), so an undo restores it.
create or replace temp table score_received_delta as
with before_after as (
    -- one row per pair touched or flipped: as it was (o_*) and as it is (n_*); absent = 0
    select
        coalesce(j.actor, m.actor) as actor,
        coalesce(j.target, m.target) as target,
        case when j.actor is null then 1 when j.existed then 1 else 0 end as o_n,
        case when j.actor is null then m.last_s when j.existed then j.last_s else 0 end as o_last_s,
        case when j.actor is null then (case when m.old_mutual then m.reactions_s else 0 end)
             when j.existed and j.mutual then j.reactions_s else 0 end as o_mutual_s,
        case when m.actor is null then 0 else 1 end as n_n,
        coalesce(m.last_s, 0) as n_last_s,
        case when m.mutual then m.reactions_s else 0 end as n_mutual_s
    from (select * from state.score_pair_journal where chain_id = $chain_id and night = $night) as j
    full outer join score_touched_mutual as m on m.actor = j.actor and m.target = j.target
),

changes as (
    select target as code, 0 as targets_n, n_n - o_n as reactors_n, n_last_s - o_last_s as distinct_in_s,
           n_mutual_s - o_mutual_s as mutual_in_s
    from before_after
    union all
    select actor, n_n - o_n, 0, 0, 0
    from before_after
    where n_n <> o_n
),

final as (
    select code, cast(sum(targets_n) as bigint) as targets_n, cast(sum(reactors_n) as bigint) as reactors_n,
           cast(sum(distinct_in_s) as hugeint) as distinct_in_s, cast(sum(mutual_in_s) as hugeint) as mutual_in_s
    from changes
    group by all
)

select * from final
where targets_n <> 0 or reactors_n <> 0 or distinct_in_s <> 0 or mutual_in_s <> 0;

update state.score_accounts as a
set targets_n = a.targets_n + d.targets_n, reactors_n = a.reactors_n + d.reactors_n,
    distinct_in_s = a.distinct_in_s + d.distinct_in_s, mutual_in_s = a.mutual_in_s + d.mutual_in_s
from score_received_delta as d
where a.chain_id = $chain_id and a.code = d.code;
