-- score_features (temp): the window features of a logical date from a chain's state, one row per network account
-- of the window's engagement graph (transforms/features.py window_features, without network impact, posts and
-- profiles). Sums are exact integers (see state_macros.sql) divided by E(date) at the end, so the same state
-- gives the same bits.
--
-- The sums over an account's pairs are kept per account (state_accounts.sql); only effective reactors and the
-- bought share read pairs, and only the pairs of the few reactors whose weight is not 1 (more than
-- reactor_full_weight_targets targets, or fresh and low-activity): effective = distinct - what those reactors'
-- weights take off. Each weighted term is rounded to an integer, E(last_day) x 1.0 is E(last_day) exactly, so
-- this is the same integer as the sum of every pair's rounded term.
create or replace temp table score_features as
with scale as (
    select cast(score_weight(cast($logical_date as date), cast($epoch as date), $half_life) as double) as e
),

reactors as (
    select p.code,
           p.is_new and (p.mature or b.account_id is not null) as fresh_low,
           least(1.0, pow($reactor_full_weight_targets / cast(p.targets as double), $reactor_weight_exponent))
               as base_weight
    from score_profile as p
    left join score_bursts as b on b.network = p.network and b.account_id = p.account_id
),

weights as (
    -- A fresh, low-activity reactor is the least selective kind: it counts for nothing.
    select code, fresh_low, case when fresh_low then 0.0 else base_weight end as weight
    from reactors
    where fresh_low or base_weight < 1.0
),

discounted as (
    select
        p.target as code,
        sum(p.last_s - cast(round(cast(p.last_s as double) * w.weight) as hugeint)) as discount_s,
        coalesce(sum(p.last_s) filter (where w.fresh_low), 0) as fresh_s
    from state.score_pairs as p
    inner join weights as w on w.code = p.actor
    where p.chain_id = $chain_id
    group by all
),

accounts as (
    -- each CTE here is read once: DuckDB materializes a CTE read twice, and this one is every account's row
    select a.*, d.discount_s,
           a.reposts_received_s + a.quotes_received_s + a.replies_received_s + a.mentions_received_s
               + a.likes_received_s as reactions_s,
           coalesce(cast(a.mutual_in_s as double) / nullif(cast(reactions_s as double), 0), 0.0) as mutual,
           coalesce(cast(coalesce(d.fresh_s, 0) as double) / nullif(cast(a.distinct_in_s as double), 0), 0.0)
               as fresh
    from state.score_accounts as a
    left join discounted as d on d.code = a.code
    where a.chain_id = $chain_id and (a.targets_n > 0 or a.reactors_n > 0)
),

final as (
    select
        a.network,
        a.account_id,
        a.code,
        cast(a.reposts_received_s as double) / scale.e as reposts_received,
        cast(a.quotes_received_s as double) / scale.e as quotes_received,
        cast(a.replies_received_s as double) / scale.e as replies_received,
        cast(a.mentions_received_s as double) / scale.e as mentions_received,
        cast(a.likes_received_s as double) / scale.e as likes_received,
        cast(a.reactions_s as double) / scale.e as reactions,
        cast(a.distinct_in_s as double) / scale.e as distinct_reactors,
        cast(a.distinct_in_s - coalesce(a.discount_s, 0) as double) / scale.e as effective_reactors,
        -- The shares of an account nobody reacts to are 0. The reciprocated share is removed: all of it from the
        -- threshold up, fading in from the floor. (A CASE, not coalesce: greatest and least skip nulls.)
        case when a.reactors_n > 0 then greatest(0.0, least(1.0, a.mutual * greatest(0.0, least(1.0,
            (a.mutual - $ring_reciprocal_floor) / ($ring_reciprocal_threshold - $ring_reciprocal_floor)))))
        else 0.0 end as ring_share,
        case when a.reactors_n > 0 then greatest(0.0, least(1.0, a.fresh)) else 0.0 end as bought_share,
        cast(a.reposts_sent_s as double) / scale.e as reposts_sent,
        cast(a.mentions_sent_s as double) / scale.e as mentions_sent,
        cast(a.replies_sent_s as double) / scale.e as replies_sent,
        cast(a.posts_s as double) / scale.e as posts
    from accounts as a
    cross join scale
)

select * from final;
