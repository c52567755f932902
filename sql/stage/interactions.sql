-- staging.interactions for one logical date: one row per distinct interaction (natural key:
-- network, actor, target, kind, time, post). Two sources: generic interaction tables, and the posts of
-- every other format (a reply, repost or quote reacts to the referenced author; a mention to each mentioned
-- account). Rerunning the date replaces its rows.
delete from staging.interactions where event_date = $logical_date;

insert into staging.interactions
with generic as (
    select
        network,
        actor_id,
        target_id,
        coalesce(kind, case kind_raw
            when 'RT' then 'repost' when 'RE' then 'reply' when 'MT' then 'mention'
            when 'QT' then 'quote' when 'LK' then 'like' when 'FW' then 'follow'
            else kind_raw
        end) as kind,
        post_id,
        occurred_at,
        event_date,
        file_id
    from raw.generic_interactions
    where event_date = $logical_date
),

posts as (
    select * from staging.posts where event_date = $logical_date
),

references_ as (
    select network, author_id as actor_id, reply_to_author_id as target_id, 'reply' as kind, post_id,
        created_at as occurred_at, event_date, source_file_id as file_id
    from posts where reply_to_author_id is not null
    union all
    select network, author_id, repost_of_author_id, 'repost', post_id, created_at, event_date, source_file_id
    from posts where repost_of_author_id is not null
    union all
    select network, author_id, quote_of_author_id, 'quote', post_id, created_at, event_date, source_file_id
    from posts where quote_of_author_id is not null
),

mentions as (
    -- A repost's text repeats the original's mentions: only the post's own mentions count.
    select network, author_id as actor_id, unnest(list_distinct(mentions)) as target_id, 'mention' as kind, post_id,
        created_at as occurred_at, event_date, source_file_id as file_id
    from posts
    where repost_of_author_id is null and len(mentions) > 0
),

from_posts as (
    select * from references_
    union all
    select m.* from mentions as m
    -- a reply's leading @mention of the replied-to author is the reply itself, not a second reaction
    left join posts as p on p.network = m.network and p.post_id = m.post_id
    where m.target_id is distinct from p.reply_to_author_id and m.target_id is distinct from p.quote_of_author_id
),

unioned as (
    select * from generic
    union all
    select * from from_posts
),

final as (
    select
        network, actor_id, target_id, kind, post_id, occurred_at, event_date,
        min(file_id) as source_file_id
    from unioned
    group by all
)

select * from final;
