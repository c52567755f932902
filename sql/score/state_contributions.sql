-- What some days add to the accounts of the score state (days in_from .. in_to enter the window, day out_day
-- leaves it; first sightings read from seen_from), by account id: temp table score_named_accounts (one row per
-- network account); state_delta_codes.sql gives them the chain's codes, state_delta_pairs.sql adds the pairs.
-- Signed: a leaving day's rows subtract exactly what they added. Received, sent, posts and first sightings are
-- summed apart and joined: one aggregation of every column over every row held all the window's accounts'
-- sums at once (a rebuild at 10M accounts ran out of its memory limit). `received` and `sent` each call score_edges
-- rather than share a CTE: a CTE read twice is materialized, and over a rebuild's window that is every row.
create or replace temp table score_named_accounts as
with received as (
    select network, target_id as account_id,
           sum(reposts * e) as reposts_received_s, sum(quotes * e) as quotes_received_s,
           sum(replies * e) as replies_received_s, sum(mentions * e) as mentions_received_s,
           sum(likes * e) as likes_received_s
    from score_edges(cast($epoch as date), $half_life, cast($in_from as date), cast($in_to as date),
                     cast($out_day as date))
    group by all
),

sent as (
    select network, actor_id as account_id,
           sum(reposts * e) as reposts_sent_s, sum(mentions * e) as mentions_sent_s,
           sum(replies * e) as replies_sent_s
    from score_edges(cast($epoch as date), $half_life, cast($in_from as date), cast($in_to as date),
                     cast($out_day as date))
    group by all
),

post_days as (
    select p.network, p.author_id as account_id, p.activity_date, 1 as sign
    from marts.post_daily as p
    where p.activity_date between $in_from and $in_to
    union all
    select p.network, p.author_id as account_id, p.activity_date, -1 as sign
    from marts.post_daily as p
    where p.activity_date = $out_day
),

posts as (
    select p.network, p.account_id,
           sum(p.sign * score_weight(p.activity_date, cast($epoch as date), $half_life)) as posts_s,
           sum(p.sign) as posts_n
    from post_days as p
    anti join score_excluded as x on x.network = p.network and x.account_id = p.account_id
    group by all
),

seen as (
    -- First sightings count every account, excluded or not (as sql/score/account_activity.sql does).
    select network, account_id, min(activity_date) as first_seen
    from marts.account_daily
    where activity_date between $seen_from and $in_to
    group by all
),

accounts as (
    select network, account_id from received
    union
    select network, account_id from sent
    union
    select network, account_id from posts
    union
    select network, account_id from seen
),

final as (
    select
        a.network,
        a.account_id,
        s.first_seen,
        cast(coalesce(r.reposts_received_s, 0) as hugeint) as reposts_received_s,
        cast(coalesce(r.quotes_received_s, 0) as hugeint) as quotes_received_s,
        cast(coalesce(r.replies_received_s, 0) as hugeint) as replies_received_s,
        cast(coalesce(r.mentions_received_s, 0) as hugeint) as mentions_received_s,
        cast(coalesce(r.likes_received_s, 0) as hugeint) as likes_received_s,
        cast(coalesce(t.reposts_sent_s, 0) as hugeint) as reposts_sent_s,
        cast(coalesce(t.mentions_sent_s, 0) as hugeint) as mentions_sent_s,
        cast(coalesce(t.replies_sent_s, 0) as hugeint) as replies_sent_s,
        cast(coalesce(p.posts_s, 0) as hugeint) as posts_s,
        cast(coalesce(p.posts_n, 0) as bigint) as posts_n
    from accounts as a
    left join seen as s on s.network = a.network and s.account_id = a.account_id
    left join received as r on r.network = a.network and r.account_id = a.account_id
    left join sent as t on t.network = a.network and t.account_id = a.account_id
    left join posts as p on p.network = a.network and p.account_id = a.account_id
)

select * from final;
