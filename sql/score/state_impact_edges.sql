-- The PageRank edges of a chain's state on a logical date: one row per pair whose reactor is trusted (a fresh,
-- low-activity reactor passes no impact), as integer codes with the pair's decayed reactions, in (target, actor)
-- order so that the sparse matrix, and its sums, are built the same way every time.
with scale as (
    select cast(score_weight(cast($logical_date as date), cast($epoch as date), $half_life) as double) as e
),

untrusted as (
    select p.network, p.account_id
    from score_profile as p
    left join score_bursts as b on b.network = p.network and b.account_id = p.account_id
    where p.is_new and (p.mature or b.account_id is not null)
),

final as (
    select t.code as dst, a.code as src, cast(p.reactions_s as double) / scale.e as reactions
    from state.score_pairs as p
    cross join scale
    inner join score_codes as a on a.network = p.network and a.account_id = p.actor_id
    inner join score_codes as t on t.network = p.network and t.account_id = p.target_id
    anti join untrusted as u on u.network = p.network and u.account_id = p.actor_id
    where p.chain_id = $chain_id
)

select * from final
order by dst, src
