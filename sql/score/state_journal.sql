-- Journal one night of a chain's state before state_apply.sql changes it: the rows its contributions
-- (state_contributions.sql, coded by state_delta_codes.sql) touch, as they are now (existed = false: none; the
-- pairs from score_pairs_before, state_pairs_before.sql). state_revert.sql restores them.
delete from state.score_pair_journal where chain_id = $chain_id and night = $night;

insert into state.score_pair_journal
select $chain_id, cast($night as date), d.actor, d.target, p.actor is not null,
       p.reactions_s, p.days, p.last_day, p.last_s, p.mutual
from score_delta_pairs as d
left join score_pairs_before as p on p.actor = d.actor and p.target = d.target;

delete from state.score_account_journal where chain_id = $chain_id and night = $night;

insert into state.score_account_journal
select $chain_id, cast($night as date), d.network, d.account_id, a.code is not null, a.first_seen,
       a.reposts_received_s, a.quotes_received_s, a.replies_received_s, a.mentions_received_s, a.likes_received_s,
       a.reposts_sent_s, a.mentions_sent_s, a.replies_sent_s, a.posts_s, a.posts_n, a.targets_n, a.reactors_n,
       a.distinct_in_s, a.mutual_in_s, d.code
from score_delta_accounts as d
left join (select * from state.score_accounts where chain_id = $chain_id) as a on a.code = d.code;
