-- A generic text file (whitespace or delimited) read by DuckDB's CSV reader into raw.generic_interactions; no row
-- passes through Python. Only a file whose every row is certainly good lands here, typed exactly as
-- transforms.canonical_interactions types them. A row that is not certainly good gets a null in one of the table's
-- NOT NULL columns (an empty actor, a time or kind it does not recognise), so the insert fails; so does a ragged
-- line or a byte that is not UTF-8. The caller then rolls back and takes the careful path, which explains every bad
-- row, as it does when the count of rows inserted differs from the file's records. So this file never has to
-- decide a reason. Failing on the constraint costs nothing on good files, where a filter on the same conditions
-- would cost a pass over every row.
-- {kind}, {network}, {post_id}: the file's column for that field, or null when it has none.
--
-- The file's fields land in a temp table first, and its row ids number the records. row_number() in the insert
-- would hold the whole read, typing and write to one core, and numbering by row id after the insert makes the
-- commit write every number again (docs/benchmarks.md). With insertion order
-- preserved (DuckDB's default, set here so nothing earlier can have turned it off) the temp table holds the lines
-- in file order. It spills to disk past the landing's memory limit, so memory does not grow with the file.
set preserve_insertion_order = true;

create or replace temp table land_generic_lines as
select *
from read_csv(
    $path, columns = $columns, delim = $separator, quote = $quote, escape = $quote, header = false,
    skip = $skip, auto_detect = false, strict_mode = true, compression = $compression
);

insert into raw.generic_interactions (
    file_id, record_no, network, actor_id, target_id, occurred_at, kind_raw, event_date, post_id, kind
)
with delivered as (
    -- a clean file has one row per line, so this is the line's record number
    select rowid - (select min(rowid) from land_generic_lines) + $first_record_no as record_no, *
    from land_generic_lines
),

stripped as (
    -- Delimited fields lose surrounding blanks: the Unicode White_Space set Polars' strip_chars removes when the
    -- file holds any blank but spaces (an anchored regexp, far faster than trim() with that set), else spaces
    -- ($strip: blanks, spaces or none, from the file's bytes). Whitespace files have no blanks in their fields.
    select
        record_no,
        case $strip when 'blanks' then regexp_replace(actor, $blank_ends, '', 'g')
            when 'spaces' then trim(actor) else actor end as actor_id,
        case $strip when 'blanks' then regexp_replace(target, $blank_ends, '', 'g')
            when 'spaces' then trim(target) else target end as target_id,
        case $strip when 'blanks' then regexp_replace("time", $blank_ends, '', 'g')
            when 'spaces' then trim("time") else "time" end as "time",
        -- an empty field is no value: the default kind or network, no post (as on the careful path)
        coalesce(nullif(case $strip when 'blanks' then regexp_replace({kind}, $blank_ends, '', 'g')
            when 'spaces' then trim({kind}) else {kind} end, ''), $default_kind) as kind_raw,
        coalesce(nullif(case $strip when 'blanks' then regexp_replace({network}, $blank_ends, '', 'g')
            when 'spaces' then trim({network}) else {network} end, ''), $default_network) as network,
        nullif(case $strip when 'blanks' then regexp_replace({post_id}, $blank_ends, '', 'g')
            when 'spaces' then trim({post_id}) else {post_id} end, '') as post_id
    from delivered
),

seconds as (
    -- unix seconds with a fraction (SNAP's bitcoin-otc: 1289241911.72836) land as their second: the digits before
    -- the point, checked below as whole seconds are (contains() first: a regexp on every row costs a pass)
    select
        *,
        case when contains("time", '.') then regexp_extract("time", '^([0-9]+)\.[0-9]+$', 1) else "time" end
            as unix_text
    from stripped
),

timed as (
    select
        *,
        try_cast(unix_text as bigint) as unix_seconds,
        case when unix_seconds is null and "time" like '____-__-__T__:__:__%Z'
            then try_strptime("time", $iso_formats) end as iso,
        map_extract_value(map($spellings, $kinds), kind_raw) as kind
    from seconds
),

typed as (
    select
        *,
        -- Unix seconds written plainly (a fraction cut off), or ISO-8601 UTC with or without milliseconds, each
        -- read back to the same text; any other spelling (leading zeros, offsets, other precisions) is left to the
        -- careful path
        coalesce(
            case when cast(unix_seconds as varchar) = unix_text and unix_seconds between 0 and 32503679999
                then make_timestamp(unix_seconds * 1000000) end,
            case when "time" in (strftime(iso, $iso_formats[1]), strftime(iso, $iso_formats[2])) then iso end
        ) as delivered_at
    from timed
),

plausible as (
    -- A time outside its network's plausible range, or an id too long or holding a control character, is left to
    -- the careful path, which quarantines it with the reason (clout/land/plausible.py: the same bounds).
    select
        * replace (
            case when length(actor_id) <= $max_id_chars and length(target_id) <= $max_id_chars
                    and coalesce(length(post_id), 0) <= $max_id_chars
                    and not regexp_matches(actor_id || target_id || coalesce(post_id, ''), $control)
                then actor_id end as actor_id
        ),
        case when delivered_at between coalesce(map_extract_value(map($since_networks, $since_dates), network),
                                                $since_default) and $latest
            then delivered_at end as occurred_at
    from typed
),

final as (
    select
        $file_id as file_id,
        record_no,
        nullif(network, '') as network,
        -- a whitespace file with other blanks than spaces: a field holding one is left to the careful path's split
        case when not ($check_blanks and regexp_matches(actor_id || target_id, $blank_class))
            then nullif(actor_id, '') end as actor_id,
        nullif(target_id, '') as target_id,
        occurred_at,
        kind_raw,
        cast(occurred_at as date) as event_date,
        post_id,
        kind
    from plausible
)

select * from final;

drop table land_generic_lines;

select count(*) as inserted from raw.generic_interactions where file_id = $file_id;
