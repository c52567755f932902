-- One account's published score row on a night (default: the latest), with its rank among that night's accounts.
with night as (
    select *
    from published.scores
    where logical_date = coalesce(cast($logical_date as date), (select max(logical_date) from published.nights))
),

ranked as (
    select
        *,
        rank() over (order by score desc, raw_score desc) as score_rank,
        count(*) over () as accounts_scored,
        -- the published score is an integer: accounts tied on it (most at 1) are told apart only by raw_score
        count(*) over (partition by score) as same_score,
        rank() over (order by score desc) - 1 as scored_higher
    from night
),

final as (
    select *
    from ranked
    where account_id = $account_id and (cast($network as varchar) is null or network = $network)
)

select * from final
