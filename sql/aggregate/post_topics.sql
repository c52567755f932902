-- marts.post_topics for one logical date: one row per network post and matched topic (frame `matched`,
-- made by transforms.topics.post_topics).
delete from marts.post_topics where activity_date = $logical_date;

insert into marts.post_topics by name
select network, post_id, author_id, activity_date, topic_id, source from matched;
