-- One block of v2 records (v2_items, numbered by v2_line_records) with their canonical post or account columns
-- and, when a record cannot land, the reason: a bad line or item, the first rule of its staging contract it
-- breaks (the contracts in data_contracts/ as SQL expressions, filled in by clout.land.formats.checks), or an id or
-- time that cannot be real (clout/land/plausible.py).
-- Grain: one row per record. A query, not a table: its rows go straight to Arrow for the writing connection (a temp
-- table in between cost CPU for nothing).
with page_authors as (
    -- the authors of referenced tweets, from the same page's includes.tweets
    select distinct line_no, f.id as post_id, f.author_id
    from v2_items
    where part = 2 and entity = 'post'
),

refs as (
    select
        cast(l.records_before + i.k as bigint) as record_no,
        i.*,
        list_filter(f.referenced_tweets, lambda x: x.type = 'replied_to')[1].id as reply_to_post_id,
        list_filter(f.referenced_tweets, lambda x: x.type = 'retweeted')[1].id as repost_of_post_id,
        list_filter(f.referenced_tweets, lambda x: x.type = 'quoted')[1].id as quote_of_post_id
    from v2_items as i
    join v2_line_records as l using (line_no)
),

canonical as (
    select
        t.record_no, t.location, t.payload, t.entity,
        'twitter' as network,
        -- post
        t.f.id as post_id,
        t.f.author_id,
        try_cast(t.f.created_at as timestamptz) at time zone 'UTC' as created_at,
        -- a time given that is no time: said as such, not as a missing one (null in nearly every row: cheap)
        case when t.f.created_at is not null and try_cast(t.f.created_at as timestamptz) is null
            then 'created_at ' || left(t.f.created_at, 40) || ' is not a time (the API gives ISO-8601, '
                 || '2021-09-22T16:37:29.000Z)' end as created_at_problem,
        t.f.text,
        coalesce(list_filter(list_transform(t.f.entities.hashtags, lambda h: h.tag), lambda x: x is not null), [])
            as hashtags,
        coalesce(list_transform(t.f.entities.mentions, lambda m: coalesce(m.id, '@' || m.username)), []) as mentions,
        t.reply_to_post_id,
        coalesce(t.f.in_reply_to_user_id, rp.author_id) as reply_to_author_id,
        t.repost_of_post_id,
        rt.author_id as repost_of_author_id,
        t.quote_of_post_id,
        qt.author_id as quote_of_author_id,
        t.f.public_metrics.like_count as likes,
        t.f.public_metrics.retweet_count as reposts,
        t.f.public_metrics.reply_count as replies,
        t.f.public_metrics.quote_count as quotes,
        -- account
        t.f.id as account_id,
        t.f.username as handle,
        t.f.name as display_name,
        t.f.public_metrics.followers_count as followers,
        t.f.public_metrics.following_count as following,
        t.f.public_metrics.listed_count as listed,
        t.f.public_metrics.tweet_count as posts_count,
        cast(null as date) as birth_date,
        t.observed_at
    from refs as t
    left join page_authors as rp on rp.line_no = t.line_no and rp.post_id = t.reply_to_post_id
    left join page_authors as rt on rt.line_no = t.line_no and rt.post_id = t.repost_of_post_id
    left join page_authors as qt on qt.line_no = t.line_no and qt.post_id = t.quote_of_post_id
),

final as (
    select
        *,
        case entity
            when 'post' then list_filter(
                [author_id, reply_to_author_id, repost_of_author_id, quote_of_author_id] || mentions,
                lambda a: a is not null)
            when 'account' then list_filter([account_id], lambda a: a is not null)
            else []
        end as account_ids,
        case entity
            when 'invalid' then 'not valid JSON (truncated or corrupt line)'
            when 'bad_utf8' then 'not valid UTF-8'
            when 'api_error' then 'an API error response (`errors`), not a page of results: ask for the page again'
            when 'no_page' then 'not a page of API v2 results (no `data` or `includes`)'
            -- lines of twarc2's flattened tweets (twitter_v2_flat_placed.sql)
            when 'v1_tweet' then 'a Twitter API v1.1 tweet (`id_str`, `user`), not an API v2 one: land v1.1 tweets '
                || 'in a file of their own'
            when 'not_tweet' then 'not a flattened API v2 tweet (an object with `id`, `text` and `author_id` or '
                || '`author`) nor a page of results'
            when 'no_id' then 'a flattened API v2 tweet without an `id`'
            when 'bad' then 'an item must be a JSON object'
            when 'post' then coalesce(created_at_problem, {post_violation}, {post_implausible})
            when 'account' then coalesce({account_violation}, {account_implausible})
        end as reason
    from canonical
)

select * from final;
