-- The PageRank edges of a chain's state on a logical date: one row per pair whose reactor is trusted (a fresh,
-- low-activity reactor passes no impact), by the accounts' codes in the state, with the pair's decayed reactions.
-- In no particular order: the sparse matrix sorts them (transforms/network_impact.py pagerank).
with scale as (
    select cast(score_weight(cast($logical_date as date), cast($epoch as date), $half_life) as double) as e
),

untrusted as (
    select p.code
    from score_profile as p
    left join score_bursts as b on b.network = p.network and b.account_id = p.account_id
    where p.is_new and (p.mature or b.account_id is not null)
),

final as (
    select p.target as dst, p.actor as src, cast(p.reactions_s as double) / scale.e as reactions
    from state.score_pairs as p
    cross join scale
    anti join untrusted as u on u.code = p.actor
    where p.chain_id = $chain_id
)

select * from final
