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

merge into state.score_accounts as a
using (select * from state.score_account_journal where chain_id = $chain_id and night = $night) as j
on a.chain_id = $chain_id and a.code = j.code
when matched and not j.existed then delete
when matched then update set
    first_seen = j.first_seen, reposts_received_s = j.reposts_received_s, quotes_received_s = j.quotes_received_s,
    replies_received_s = j.replies_received_s, mentions_received_s = j.mentions_received_s,
    likes_received_s = j.likes_received_s, reposts_sent_s = j.reposts_sent_s, mentions_sent_s = j.mentions_sent_s,
    replies_sent_s = j.replies_sent_s, posts_s = j.posts_s, posts_n = j.posts_n, targets_n = j.targets_n,
    reactors_n = j.reactors_n, distinct_in_s = j.distinct_in_s, mutual_in_s = j.mutual_in_s
when not matched and j.existed then insert values (
    $chain_id, j.network, j.account_id, j.first_seen, j.reposts_received_s, j.quotes_received_s,
    j.replies_received_s, j.mentions_received_s, j.likes_received_s, j.reposts_sent_s, j.mentions_sent_s,
    j.replies_sent_s, j.posts_s, j.posts_n, j.targets_n, j.reactors_n, j.distinct_in_s, j.mutual_in_s, j.code);

delete from state.score_pair_journal where chain_id = $chain_id and night = $night;
delete from state.score_account_journal where chain_id = $chain_id and night = $night;
delete from state.score_days where chain_id = $chain_id and activity_date = $night;
