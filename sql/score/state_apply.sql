-- Apply one night's contributions (state_contributions.sql, coded by state_delta_codes.sql: the night's day in,
-- the day that leaves the window out) to a chain's state, after state_journal.sql kept the rows as they were. A
-- pair whose days fall to 0 left the window: deleted. The mutual flags of the touched pairs and their reverse
-- pairs are set here too. The night's accounts are brought up to date by state_accounts.sql.
-- The touched pairs' new rows and their reverse pairs' (from score_pairs_before: no scan of the pairs), with the
-- mutual flag after the night (the pair's reverse is in the window) beside the flag before (old_mutual; false for
-- a new pair): score_touched_mutual, which state_accounts.sql reads. One row per touched or reverse pair in the
-- window after the night.
create or replace temp table score_touched_mutual as
with touched as (
    select d.actor, d.target, coalesce(b.reactions_s, 0) + d.reactions_s as reactions_s,
           coalesce(b.days, 0) + d.days as days, coalesce(d.last_day, b.last_day) as last_day,
           coalesce(d.last_s, b.last_s) as last_s, coalesce(b.mutual, false) as old_mutual, true as touched
    from score_delta_pairs as d
    left join score_pairs_before as b on b.actor = d.actor and b.target = d.target
),

reverse as (
    select b.actor, b.target, b.reactions_s, b.days, b.last_day, b.last_s, b.mutual as old_mutual,
           false as touched
    from score_pairs_before as b
    anti join score_delta_pairs as d on d.actor = b.actor and d.target = b.target
),

present as (
    select * from touched where days <> 0  -- a pair whose days fall to 0 left the window
    union all
    select * from reverse
),

final as (
    select a.*, b.actor is not null as mutual
    from present as a
    left join present as b on b.actor = a.target and b.target = a.actor
)

select * from final;

-- A touched pair, and a reverse pair whose mutual flag flipped (its reverse came or went tonight), is replaced
-- (deleted, and its new row appended), not updated in place: an update rewrites every row group it touches when
-- the transaction commits, and a day's pairs touch nearly all of them (docs/state.md). By key, not by rowid: the
-- nights a rerun applies in one transaction delete rows that transaction appended.
delete from state.score_pairs as p
using (
    select actor, target from score_pairs_before semi join score_delta_pairs using (actor, target)
    union all
    select actor, target from score_touched_mutual where not touched and mutual <> old_mutual
) as r
where p.chain_id = $chain_id and p.actor = r.actor and p.target = r.target;

insert into state.score_pairs
select $chain_id, actor, target, reactions_s, days, last_day, last_s, mutual
from score_touched_mutual
where touched or mutual <> old_mutual;

delete from state.score_days where chain_id = $chain_id and activity_date = $night;

insert into state.score_days
select $chain_id, activity_date, checksum, true from marts.day_checksums where activity_date = $night;

create or replace temp table score_touched as
select actor, target from score_delta_pairs;
