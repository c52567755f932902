-- Bring the night's accounts (score_delta_accounts: every account of the night's contributions, so every actor
-- and target of a pair it touched) to the night just applied (state_apply.sql): their sums by kind plus the night's
-- (state_contributions.sql), their first sighting, and their sums over pairs (targets_n, reactors_n, distinct_in_s,
-- mutual_in_s) moved by the pairs the night changed only: the pairs it touched, as they were (the night's journal)
-- and as they are, and their reverse pairs, whose mutual flag may have flipped (score_touched_mutual). Exact
-- integer differences, so the sums are the same as recomputed from every pair (state_rebuild.sql), whatever path
-- reached the night. Every account changed here is in the night's account journal, so an undo restores it.
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

-- The accounts' rows after the night, one per account of the night, from their rows before it as the night's
-- journal kept them (state_journal.sql: a read of the night's accounts, not of every account): a new account
-- starts from nothing.
create or replace temp table score_accounts_after as
select
    $chain_id as chain_id, d.network, d.account_id, d.code,
    least(a.first_seen, d.first_seen) as first_seen,  -- least() skips a null: a new account's is the night's
    coalesce(a.reposts_received_s, 0) + d.reposts_received_s as reposts_received_s,
    coalesce(a.quotes_received_s, 0) + d.quotes_received_s as quotes_received_s,
    coalesce(a.replies_received_s, 0) + d.replies_received_s as replies_received_s,
    coalesce(a.mentions_received_s, 0) + d.mentions_received_s as mentions_received_s,
    coalesce(a.likes_received_s, 0) + d.likes_received_s as likes_received_s,
    coalesce(a.reposts_sent_s, 0) + d.reposts_sent_s as reposts_sent_s,
    coalesce(a.mentions_sent_s, 0) + d.mentions_sent_s as mentions_sent_s,
    coalesce(a.replies_sent_s, 0) + d.replies_sent_s as replies_sent_s,
    coalesce(a.posts_s, 0) + d.posts_s as posts_s,
    coalesce(a.posts_n, 0) + d.posts_n as posts_n,
    coalesce(a.targets_n, 0) + coalesce(r.targets_n, 0) as targets_n,
    coalesce(a.reactors_n, 0) + coalesce(r.reactors_n, 0) as reactors_n,
    coalesce(a.distinct_in_s, 0) + coalesce(r.distinct_in_s, 0) as distinct_in_s,
    coalesce(a.mutual_in_s, 0) + coalesce(r.mutual_in_s, 0) as mutual_in_s
from score_delta_accounts as d
left join (select * from state.score_account_journal where chain_id = $chain_id and night = $night and existed) as a
    on a.code = d.code
left join score_received_delta as r on r.code = d.code;

-- Replaced (deleted, and the new rows appended), not merged: an update rewrites every row group it touches when
-- the transaction commits, and a night's accounts touch nearly all of them (docs/state.md, Costs).
delete from state.score_accounts as a
using score_delta_accounts as d
where a.chain_id = $chain_id and a.code = d.code;

insert into state.score_accounts by name
select * from score_accounts_after;
