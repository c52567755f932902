-- How did the score distribution move after an algorithm change? Quantiles and the share of high scores for
-- each published night, with the algorithm that made it: a change of version shows as a step.
with nights as (
    select logical_date, algorithm_version, score from published.scores
),

final as (
    select
        logical_date,
        algorithm_version,
        count(*) as accounts,
        -- the 10th, 25th, 50th, 75th, 90th and 99th percentiles of the score, as points with one decimal
        list_transform(quantile_cont(score, [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]), lambda q: round(q, 1)) as p10_25_50_75_90_99,
        round(avg(score), 2) as mean_score,
        round(avg(case when score >= 50 then 1.0 else 0.0 end), 4) as share_50_plus
    from nights
    group by all
    order by logical_date
)

select * from final
