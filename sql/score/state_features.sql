-- score_features (temp): the window features of a logical date from a chain's state, one row per network account
-- of the window's engagement graph (transforms/features.py window_features, without network impact, posts and
-- profiles). Sums are exact integers (see state_macros.sql) divided by E(date) at the end, so the same state
-- gives the same bits. A reactor's weight is a double: each weighted term is rounded to an integer before the sum.
create or replace temp table score_features as
with scale as (
    select cast(score_weight(cast($logical_date as date), cast($epoch as date), $half_life) as double) as e
),

pairs as (
    select network, actor_id, target_id, reactions_s, mutual, last_s as recency_s
    from state.score_pairs
    where chain_id = $chain_id
),

reactors as (
    select p.network, p.account_id,
           p.is_new and (p.mature or b.account_id is not null) as fresh_low,
           least(1.0, pow($reactor_full_weight_targets / cast(p.targets as double), $reactor_weight_exponent))
               as base_weight
    from score_profile as p
    left join score_bursts as b on b.network = p.network and b.account_id = p.account_id
),

weights as (
    -- A fresh, low-activity reactor is the least selective kind: it counts for nothing.
    select network, account_id, fresh_low, case when fresh_low then 0.0 else base_weight end as weight
    from reactors
),

received as (
    select
        p.network,
        p.target_id as account_id,
        sum(p.reactions_s) as reactions_s,
        sum(p.recency_s) as distinct_s,
        sum(cast(round(cast(p.recency_s as double) * w.weight) as hugeint)) as effective_s,
        coalesce(sum(p.reactions_s) filter (where p.mutual), 0) as mutual_s,
        coalesce(sum(p.recency_s) filter (where w.fresh_low), 0) as fresh_s
    from pairs as p
    inner join weights as w on w.network = p.network and w.account_id = p.actor_id
    group by all
),

accounts as (
    select network, actor_id as account_id from pairs
    union
    select network, target_id as account_id from pairs
),

shares as (
    select network, account_id,
           coalesce(cast(mutual_s as double) / nullif(cast(reactions_s as double), 0), 0.0) as mutual,
           coalesce(cast(fresh_s as double) / nullif(cast(distinct_s as double), 0), 0.0) as fresh
    from received
),

final as (
    select
        k.network,
        k.account_id,
        coalesce(cast(s.reposts_received_s as double) / scale.e, 0.0) as reposts_received,
        coalesce(cast(s.quotes_received_s as double) / scale.e, 0.0) as quotes_received,
        coalesce(cast(s.replies_received_s as double) / scale.e, 0.0) as replies_received,
        coalesce(cast(s.mentions_received_s as double) / scale.e, 0.0) as mentions_received,
        coalesce(cast(s.likes_received_s as double) / scale.e, 0.0) as likes_received,
        coalesce(cast(r.reactions_s as double) / scale.e, 0.0) as reactions,
        coalesce(cast(r.distinct_s as double) / scale.e, 0.0) as distinct_reactors,
        coalesce(cast(r.effective_s as double) / scale.e, 0.0) as effective_reactors,
        -- The reciprocated share is removed: all of it from the threshold up, fading in from the floor. (A CASE,
        -- not coalesce: greatest and least skip nulls.)
        case when sh.account_id is null then 0.0 else greatest(0.0, least(1.0, sh.mutual * greatest(0.0, least(1.0,
            (sh.mutual - $ring_reciprocal_floor) / ($ring_reciprocal_threshold - $ring_reciprocal_floor)))))
        end as ring_share,
        case when sh.account_id is null then 0.0 else greatest(0.0, least(1.0, sh.fresh)) end as bought_share,
        coalesce(cast(s.reposts_sent_s as double) / scale.e, 0.0) as reposts_sent,
        coalesce(cast(s.mentions_sent_s as double) / scale.e, 0.0) as mentions_sent,
        coalesce(cast(s.replies_sent_s as double) / scale.e, 0.0) as replies_sent,
        cast(s.posts_s as double) / scale.e as posts
    from accounts as k
    cross join scale
    left join received as r on r.network = k.network and r.account_id = k.account_id
    left join shares as sh on sh.network = k.network and sh.account_id = k.account_id
    left join (select * from state.score_accounts where chain_id = $chain_id) as s
        on s.network = k.network and s.account_id = k.account_id
)

select * from final;
