-- Twitter API v2 (twarc2) pages -> one row per item (tweet or user) with where it came from. Runs on a private
-- in-memory connection over one block of lines (`landing_lines`: line_no, line), so JSON is parsed in C++,
-- in parallel. Grain of v2_items: one row per item of `data`, `includes.users` or `includes.tweets`.
create or replace temp table v2_pages as
select
    line_no,
    line,
    -- U+FFFD: the line had bytes that are not UTF-8 (read lossily); such a line is quarantined, not guessed
    json_valid(line) and ltrim(line) like '{%' and not contains(line, chr(65533)) as ok,
    contains(line, chr(65533)) as bad_utf8
from landing_lines
where line is not null and trim(line) <> '';

create or replace temp table v2_items as
with pages as (
    select
        line_no,
        line::json as j,
        coalesce(
            try_cast(line::json ->> '$.__twarc.retrieved_at' as timestamptz) at time zone 'UTC', $fallback
        ) as observed_at
    from v2_pages
    where ok
),

lists as (
    select line_no, observed_at, 0 as part, 'data' as path,
        from_json(case json_type(j -> '$.data')
            when 'ARRAY' then j -> '$.data'
            when 'OBJECT' then json_array(j -> '$.data')
            else '[]'::json end, '["json"]') as items
    from pages
    union all
    select line_no, observed_at, 1, 'includes.users', coalesce(from_json(j -> '$.includes.users', '["json"]'), [])
    from pages
    union all
    select line_no, observed_at, 2, 'includes.tweets', coalesce(from_json(j -> '$.includes.tweets', '["json"]'), [])
    from pages
),

items as (
    select line_no, observed_at, part, path, unnest(items) as item, generate_subscripts(items, 1) - 1 as i
    from lists
),

final as (
    select
        line_no,
        part,
        i,
        'line ' || line_no || ' $.' || path || '[' || i || ']' as location,
        item,
        observed_at,
        case
            when json_type(item) <> 'OBJECT' then 'bad'
            when part = 1 or (part = 0 and item ->> 'username' is not null and item ->> 'text' is null) then 'account'
            else 'post'
        end as entity
    from items
)

select * from final;
