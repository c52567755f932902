-- Record numbers in file order (line, then data / includes.users / includes.tweets, then position),
-- continuing from the previous block; bad lines are records too, so they get numbers as well.
create or replace temp table v2_numbered as
with all_records as (
    select line_no, -1 as part, 0 as i, 'line ' || line_no as location, cast(null as json) as item,
        cast(null as timestamp) as observed_at, case when bad_utf8 then 'bad_utf8' else 'invalid' end as entity,
        line as raw
    from v2_pages
    where not ok
    union all
    select line_no, part, i, location, item, observed_at, entity, null from v2_items
),

final as (
    select row_number() over (order by line_no, part, i) + $offset as record_no, *
    from all_records
)

select * from final;
