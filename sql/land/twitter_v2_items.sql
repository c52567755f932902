-- Twitter API v2 (twarc2) pages -> one row per record. Runs over one block of lines (`landing_lines`: line_no, line,
-- handed over in small Arrow batches so DuckDB parses the block's pages on every core) inside the file's transaction.
-- One pipeline, no table between pages and items: each line is parsed once, into its lists of items as JSON text
-- (the payloads kept in raw), and each item once, into the fields clout reads. A line that is not a page (invalid
-- JSON, not UTF-8, an API error, another object) is one record too, with its text. Record numbers come after (v2_line_records), from per-line
-- counts, so no payload is sorted.
-- Grain of v2_items: one row per item of `data`, `includes.users` or `includes.tweets`, or per line that is no page.
create or replace temp table v2_items as
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

paged as (
    -- a JSON object that is no page (an API error response, `data` of another type) is a bad line too: its text is
    -- kept in quarantine, not dropped as a page of no items. A page holds `data` (an array, or one object) or
    -- `includes`, or says it found nothing (`meta.result_count` 0); the JSON paths are read only for the rest.
    select
        *,
        case
            when page is null then case when bad_utf8 then 'bad_utf8' else 'invalid' end
            when page.data is not null or page.includes is not null then null
            when json_type(line, '$.data') = 'OBJECT' then null
            when try_cast(json_extract(line, '$.meta.result_count') as bigint) = 0 then null
            when json_exists(line, '$.errors') then 'api_error'
            else 'no_page'
        end as bad_kind
    from parsed
),

listed as (
    select
        line_no,
        case when bad_kind is not null then line end as bad_line,
        bad_kind,
        coalesce(try_cast(page.__twarc.retrieved_at as timestamptz) at time zone 'UTC', $fallback) as observed_at,
        -- a user lookup of one id answers `data` with an object, not an array
        coalesce(page.data, case when page is not null and json_type(line, '$.data') = 'OBJECT'
            then [json_extract(line, '$.data')] end, []) as data,
        coalesce(page.includes.users, []) as users,
        coalesce(page.includes.tweets, []) as tweets
    from paged
),

concatenated as (
    -- a bad line is one record with no item
    select
        line_no, bad_line, bad_kind, observed_at, len(data) as n_data, len(users) as n_users,
        case when bad_line is null then data || users || tweets else [null::json] end as items
    from listed
),

items as (
    select
        line_no, bad_line, bad_kind, observed_at, n_data, n_users,
        unnest(items) as item,
        generate_subscripts(items, 1) as k  -- 1-based position among the line's records
    from concatenated
),

placed as (
    select
        *,
        case when bad_line is not null then -1 when k <= n_data then 0 when k <= n_data + n_users then 1 else 2 end
            as part,
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

classified as (
    select
        line_no,
        k,
        part,
        case part
            when -1 then 'line ' || line_no
            when 0 then 'line ' || line_no || ' $.data[' || (k - 1) || ']'
            when 1 then 'line ' || line_no || ' $.includes.users[' || (k - 1 - n_data) || ']'
            else 'line ' || line_no || ' $.includes.tweets[' || (k - 1 - n_data - n_users) || ']'
        end as location,
        coalesce(item::varchar, bad_line, 'null') as payload,  -- a null item is quarantined as `null`
        f,
        case when part >= 0 then observed_at end as observed_at,
        case
            when part = -1 then bad_kind
            when f is null then 'bad'
            when part = 1 or (part = 0 and f.username is not null and f.text is null) then 'account'
            else 'post'
        end as entity,
        item
    from placed
),

final as (
    select
        * exclude (item),
        -- top-level keys clout does not read yet (kept in the payload, reported once)
        case entity
            when 'post' then list_filter(json_keys(item), lambda key: not list_contains($tweet_fields, key))
            when 'account' then list_filter(json_keys(item), lambda key: not list_contains($user_fields, key))
        end as new_fields
    from classified
)

select * from final;

-- Record numbers in file order (line, then data / includes.users / includes.tweets, then position), continuing
-- from the previous block ($offset). Grain: one row per line of the block that holds records.
create or replace temp table v2_line_records as
with counted as (
    select line_no, count(*) as records
    from v2_items
    group by line_no
),

final as (
    select line_no, sum(records) over (order by line_no rows unbounded preceding) - records + $offset as records_before
    from counted
)

select * from final;
