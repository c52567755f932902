-- Twitter API v2 (twarc2) pages -> one row per record, numbered in file order (line, then data / includes.users /
-- includes.tweets, then position), continuing from the previous block ($offset). Runs over one block of lines
-- (`landing_lines`: line_no, line) inside the file's transaction. Each line is parsed once, into its lists of items
-- as JSON text (the payloads kept in raw), and each item once, into the fields clout reads: no field is extracted by
-- parsing text again. A line that is not a page (invalid JSON, not UTF-8) is one record too, with its text.
-- Grain of v2_items: one row per item of `data`, `includes.users` or `includes.tweets`, or per line that is no page.
create or replace temp table v2_pages as
with lines as (
    select
        line_no,
        line,
        -- U+FFFD: the line had bytes that are not UTF-8 (read lossily); such a line is quarantined, not guessed
        contains(line, chr(65533)) as bad_utf8
    from landing_lines
    -- a blank line is no record; a regexp, not trim(), which copies the whole 50 kB page
    where line is not null and not regexp_full_match(line, ' *')
),

parsed as (
    select
        line_no,
        bad_utf8,
        case when not bad_utf8 and regexp_matches(line, '^ *\{') then try(from_json(line, '{
            "data": ["json"],
            "includes": {"users": ["json"], "tweets": ["json"]},
            "__twarc": {"retrieved_at": "varchar"}
        }')) end as page,
        line
    from lines
),

listed as (
    select
        line_no,
        bad_utf8,
        case when page is null then line end as bad_line,
        coalesce(try_cast(page.__twarc.retrieved_at as timestamptz) at time zone 'UTC', $fallback) as observed_at,
        -- a user lookup of one id answers `data` with an object, not an array
        coalesce(page.data, case when page is not null and json_type(line, '$.data') = 'OBJECT'
            then [json_extract(line, '$.data')] end, []) as data,
        coalesce(page.includes.users, []) as users,
        coalesce(page.includes.tweets, []) as tweets
    from parsed
),

counted as (
    select *, case when bad_line is null then len(data) + len(users) + len(tweets) else 1 end as records
    from listed
),

final as (
    -- numbering per line, not per record: no sort of the block's payloads
    select *, sum(records) over (order by line_no rows unbounded preceding) - records + $offset as records_before
    from counted
)

select * from final;

create or replace temp table v2_items as
with lists as (
    select line_no, records_before, observed_at, 0 as part, 'data' as path, 0 as before_part, data as items
    from v2_pages where bad_line is null
    union all
    select line_no, records_before, observed_at, 1, 'includes.users', len(data), users
    from v2_pages where bad_line is null
    union all
    select line_no, records_before, observed_at, 2, 'includes.tweets', len(data) + len(users), tweets
    from v2_pages where bad_line is null
),

items as (
    select *, 'line ' || line_no || ' $.' || path || '[' as location_prefix, unnest(items) as item,
        generate_subscripts(items, 1) - 1 as i
    from lists
),

parsed as (
    -- tweets and users share one shape: the fields clout reads of either (an item's other fields stay in its payload)
    select
        *,
        -- items are written compactly, so an object's text starts with `{`
        case when starts_with(item, '{') then from_json(item, '{
            "id": "varchar", "author_id": "varchar", "created_at": "varchar", "text": "varchar",
            "in_reply_to_user_id": "varchar", "referenced_tweets": [{"type": "varchar", "id": "varchar"}],
            "entities": {"hashtags": [{"tag": "varchar"}], "mentions": [{"id": "varchar", "username": "varchar"}]},
            "public_metrics": {
                "like_count": "bigint", "retweet_count": "bigint", "reply_count": "bigint", "quote_count": "bigint",
                "followers_count": "bigint", "following_count": "bigint", "listed_count": "bigint",
                "tweet_count": "bigint"
            },
            "username": "varchar", "name": "varchar"
        }') end as f
    from items
),

items_final as (
    select
        records_before + before_part + i + 1 as record_no,
        line_no,
        part,
        location_prefix || i || ']' as location,
        item::varchar as payload,
        f,
        observed_at,
        case
            when f is null then 'bad'
            when part = 1 or (part = 0 and f.username is not null and f.text is null) then 'account'
            else 'post'
        end as entity
    from parsed
),

bad_lines as (
    select
        records_before + 1 as record_no, line_no, -1 as part, 'line ' || line_no as location, bad_line as payload,
        null as f, null as observed_at, case when bad_utf8 then 'bad_utf8' else 'invalid' end as entity
    from v2_pages
    where bad_line is not null
)

select * from items_final
union all by name
select * from bad_lines;
