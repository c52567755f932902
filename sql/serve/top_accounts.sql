-- The top accounts of one published night, with their change since the previous published night.
with night as (
    select * from published.scores where logical_date = $logical_date
),

previous as (
    select network, account_id, score
    from published.scores
    where logical_date = (
        select max(logical_date) from published.nights where logical_date < $logical_date
    )
),

final as (
    select
        n.network,
        n.account_id,
        n.score,
        n.score - p.score as change,
        n.distinct_reactors,
        round(n.reactions, 1) as reactions
    from night as n
    left join previous as p using (network, account_id)
    order by n.score desc, n.raw_score desc, n.account_id
    limit $limit
)

select * from final
