-- Undo night night of a chain's state (its latest night): restore the rows its journal kept, drop what it added.
-- The accounts' sums over pairs come back with their rows (the journal holds every account whose pairs changed);
-- state_mutual.sql then sets the restored pairs' mutual flags as they were. An account the night added is deleted,
-- so its code is free again: applying the night again gives it the same code.
create or replace temp table score_touched as
select actor, target
from state.score_pair_journal
where chain_id = $chain_id and night = $night;

merge into state.score_pairs as p
using (select * from state.score_pair_journal where chain_id = $chain_id and night = $night) as j
on p.chain_id = $chain_id and p.actor = j.actor and p.target = j.target
when matched and not j.existed then delete
when matched then update set reactions_s = j.reactions_s, days = j.days, last_day = j.last_day, last_s = j.last_s
when not matched and j.existed then insert
    values ($chain_id, j.actor, j.target, j.reactions_s, j.days, j.last_day, j.last_s, false);

-- The night's accounts replaced by their rows before it, not merged (as state_accounts.sql): each is deleted, and
-- those that existed come back as the journal kept them. A merge rewrote every row group an update touched.
delete from state.score_accounts as a
using (select code from state.score_account_journal where chain_id = $chain_id and night = $night) as j
where a.chain_id = $chain_id and a.code = j.code;

insert into state.score_accounts by name
select * exclude (night, existed)
from state.score_account_journal
where chain_id = $chain_id and night = $night and existed;

delete from state.score_pair_journal where chain_id = $chain_id and night = $night;
delete from state.score_account_journal where chain_id = $chain_id and night = $night;
delete from state.score_days where chain_id = $chain_id and activity_date = $night;
