-- Apply one night's contributions (state_contributions.sql, coded by state_delta_codes.sql: the night's day in,
-- the day that leaves the window out) to a chain's state, after state_journal.sql kept the rows as they were. A pair whose days fall to 0 left the
-- window: deleted. Accounts are kept (their first sighting is all history); their sums over pairs (targets_n ..
-- mutual_in_s) are brought up to date after the mutual flags, by state_received.sql.
merge into state.score_pairs as p
using score_delta_pairs as d
on p.chain_id = $chain_id and p.actor = d.actor and p.target = d.target
when matched and p.days + d.days = 0 then delete
when matched then update set
    reactions_s = p.reactions_s + d.reactions_s,
    days = p.days + d.days,
    last_day = coalesce(d.last_day, p.last_day),
    last_s = coalesce(d.last_s, p.last_s)
when not matched then insert
    values ($chain_id, d.actor, d.target, d.reactions_s, d.days, d.last_day, d.last_s, false);

merge into state.score_accounts as a
using score_delta_accounts as d
on a.chain_id = $chain_id and a.code = d.code
when matched then update set
    first_seen = least(a.first_seen, d.first_seen),
    reposts_received_s = a.reposts_received_s + d.reposts_received_s,
    quotes_received_s = a.quotes_received_s + d.quotes_received_s,
    replies_received_s = a.replies_received_s + d.replies_received_s,
    mentions_received_s = a.mentions_received_s + d.mentions_received_s,
    likes_received_s = a.likes_received_s + d.likes_received_s,
    reposts_sent_s = a.reposts_sent_s + d.reposts_sent_s,
    mentions_sent_s = a.mentions_sent_s + d.mentions_sent_s,
    replies_sent_s = a.replies_sent_s + d.replies_sent_s,
    posts_s = a.posts_s + d.posts_s,
    posts_n = a.posts_n + d.posts_n
when not matched then insert values (
    $chain_id, d.network, d.account_id, d.first_seen, d.reposts_received_s, d.quotes_received_s,
    d.replies_received_s, d.mentions_received_s, d.likes_received_s, d.reposts_sent_s, d.mentions_sent_s,
    d.replies_sent_s, d.posts_s, d.posts_n, 0, 0, 0, 0, d.code);

delete from state.score_days where chain_id = $chain_id and activity_date = $night;

insert into state.score_days
select $chain_id, activity_date, checksum, true from marts.day_checksums where activity_date = $night;

create or replace temp table score_touched as
select actor, target from score_delta_pairs;
