-- One account's published topics on a night, strongest first.
select topic_slug, topic_name, share, topic_score, posts, days, distinct_reactors, direct
from published.topic_scores
where logical_date = $logical_date and account_id = $account_id and network = $network
order by rank
