-- What some days add to the accounts of the score state (days in_from .. in_to enter the window, day out_day
-- leaves it; first sightings read from seen_from), by account id: temp table score_named_accounts (one row per
-- network account); state_delta_codes.sql gives them the chain's codes, state_delta_pairs.sql adds the pairs.
-- Signed: a leaving day's rows subtract exactly what they added.
create or replace temp table score_named_accounts as
with edges as (
    select * from score_edges(cast($epoch as date), $half_life, cast($in_from as date), cast($in_to as date),
                              cast($out_day as date))
),

posts as (
    select p.network, p.author_id as account_id, p.activity_date, 1 as sign
    from marts.post_daily as p
    where p.activity_date between $in_from and $in_to
    union all
    select p.network, p.author_id as account_id, p.activity_date, -1 as sign
    from marts.post_daily as p
    where p.activity_date = $out_day
),

seen as (
    -- First sightings count every account, excluded or not (as sql/score/account_activity.sql does).
    select network, account_id, min(activity_date) as first_seen
    from marts.account_daily
    where activity_date between $seen_from and $in_to
    group by all
),

contributions as (
    select network, target_id as account_id, cast(null as date) as first_seen,
           reposts * e as reposts_received_s, quotes * e as quotes_received_s, replies * e as replies_received_s,
           mentions * e as mentions_received_s, likes * e as likes_received_s,
           0 as reposts_sent_s, 0 as mentions_sent_s, 0 as replies_sent_s, 0 as posts_s, 0 as posts_n
    from edges
    union all
    select network, actor_id, null, 0, 0, 0, 0, 0, reposts * e, mentions * e, replies * e, 0, 0
    from edges
    union all
    select p.network, p.account_id, null, 0, 0, 0, 0, 0, 0, 0, 0,
           p.sign * score_weight(p.activity_date, cast($epoch as date), $half_life), p.sign
    from posts as p
    anti join score_excluded as x on x.network = p.network and x.account_id = p.account_id
    union all
    select network, account_id, first_seen, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    from seen
),

final as (
    select
        network,
        account_id,
        min(first_seen) as first_seen,
        cast(sum(reposts_received_s) as hugeint) as reposts_received_s,
        cast(sum(quotes_received_s) as hugeint) as quotes_received_s,
        cast(sum(replies_received_s) as hugeint) as replies_received_s,
        cast(sum(mentions_received_s) as hugeint) as mentions_received_s,
        cast(sum(likes_received_s) as hugeint) as likes_received_s,
        cast(sum(reposts_sent_s) as hugeint) as reposts_sent_s,
        cast(sum(mentions_sent_s) as hugeint) as mentions_sent_s,
        cast(sum(replies_sent_s) as hugeint) as replies_sent_s,
        cast(sum(posts_s) as hugeint) as posts_s,
        cast(sum(posts_n) as bigint) as posts_n
    from contributions
    group by all
)

select * from final;
