-- Canonical post rows of one block of v2 pages (grain: one row per tweet item), authors of referenced
-- tweets looked up in the same page's includes.tweets.
with tweets as (
    select
        record_no, line_no, item, observed_at,
        from_json(item -> '$.referenced_tweets', '[{"type": "varchar", "id": "varchar"}]') as refs
    from v2_numbered
    where entity = 'post'
),

refs as (
    select
        *,
        list_filter(refs, lambda r: r.type = 'replied_to')[1].id as reply_to_post_id,
        list_filter(refs, lambda r: r.type = 'retweeted')[1].id as repost_of_post_id,
        list_filter(refs, lambda r: r.type = 'quoted')[1].id as quote_of_post_id
    from tweets
),

page_authors as (
    select distinct line_no, item ->> 'id' as post_id, item ->> 'author_id' as author_id
    from v2_items
    where part = 2 and entity = 'post'
),

final as (
    select
        r.record_no,
        'twitter' as network,
        r.item ->> 'id' as post_id,
        r.item ->> 'author_id' as author_id,
        try_cast(r.item ->> 'created_at' as timestamptz) at time zone 'UTC' as created_at,
        r.item ->> 'text' as text,
        coalesce(from_json(r.item -> '$.entities.hashtags[*].tag', '["varchar"]'), []) as hashtags,
        coalesce(list_transform(from_json(r.item -> '$.entities.mentions', '["json"]'),
            lambda m: coalesce(m ->> 'id', '@' || (m ->> 'username'))), []) as mentions,
        r.reply_to_post_id,
        coalesce(r.item ->> 'in_reply_to_user_id', rp.author_id) as reply_to_author_id,
        r.repost_of_post_id,
        rt.author_id as repost_of_author_id,
        r.quote_of_post_id,
        qt.author_id as quote_of_author_id,
        try_cast(r.item ->> '$.public_metrics.like_count' as bigint) as likes,
        try_cast(r.item ->> '$.public_metrics.retweet_count' as bigint) as reposts,
        try_cast(r.item ->> '$.public_metrics.reply_count' as bigint) as replies,
        try_cast(r.item ->> '$.public_metrics.quote_count' as bigint) as quotes,
        r.observed_at
    from refs as r
    left join page_authors as rp on rp.line_no = r.line_no and rp.post_id = r.reply_to_post_id
    left join page_authors as rt on rt.line_no = r.line_no and rt.post_id = r.repost_of_post_id
    left join page_authors as qt on qt.line_no = r.line_no and qt.post_id = r.quote_of_post_id
)

select * from final
