-- What the days of state_contributions.sql add to the pairs, by the accounts' codes (score_delta_accounts): temp
-- table score_delta_pairs, one row per actor and target. Signed, as the accounts' contributions. Only the pairs of
-- part `part` of `parts` (by the lower of the two codes, so a pair and its reverse fall in the same part): a
-- rebuild takes the window's pairs in parts so that no aggregation holds them all (parts = 1: every pair).
create or replace temp table score_delta_pairs as
with edges as (
    select a.code as actor, t.code as target, e.activity_date, e.sign, e.e,
           e.reposts + e.quotes + e.replies + e.mentions + e.likes as reactions
    from score_edges(cast($epoch as date), $half_life, cast($in_from as date), cast($in_to as date),
                     cast($out_day as date)) as e
    inner join score_delta_accounts as a on a.network = e.network and a.account_id = e.actor_id
    inner join score_delta_accounts as t on t.network = e.network and t.account_id = e.target_id
    where least(a.code, t.code) % $parts = $part
),

final as (
    select
        actor,
        target,
        sum(reactions * e) as reactions_s,
        cast(sum(sign) as integer) as days,
        max(activity_date) filter (where sign > 0) as last_day,
        max(e) filter (where sign > 0) as last_s
    from edges
    group by actor, target
)

select * from final;
