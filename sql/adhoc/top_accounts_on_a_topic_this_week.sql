-- Top accounts on a topic this week: the strongest topic influence over the last 7 published nights.
-- Change the slug (and the limit) to taste; topics come from Klout's ontology (data/klout_topics).
with week as (
    select *
    from published.topic_scores
    where logical_date > (select max(logical_date) from published.nights) - interval 7 day
),

final as (
    select network, account_id, topic_slug, max(topic_score) as best_topic_score, max(posts) as posts,
           max(distinct_reactors) as distinct_reactors, count(distinct logical_date) as nights
    from week
    where topic_slug = 'physics'
    group by all
    order by best_topic_score desc, network, account_id
    limit 20
)

select * from final
