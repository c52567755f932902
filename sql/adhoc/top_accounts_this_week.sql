-- Top accounts this week: the strongest influence over the last 7 published nights. Grain: one row per network and
-- account (its best night). Change the limit to taste.
-- Topics: on exports with post text, the same accounts' influence per Klout topic is in published.topic_scores
-- (one row per topic; e.g. `where topic_slug = 'physics'`). The Higgs demo has no post text, hence no topics.
with week as (
    select *
    from published.scores
    where logical_date > (select max(logical_date) from published.nights) - interval 7 day
),

final as (
    select network, account_id, max(score) as best_score, arg_max(logical_date, score) as best_night,
           max(distinct_reactors) as most_distinct_reactors, count(*) as nights_scored
    from week
    group by all
    order by best_score desc, most_distinct_reactors desc, network, account_id
    limit 20
)

select * from final
