-- Which dates the landed deliveries cover (one row): interactions from generic tables and posts from every other
-- format, by event date. A nightly run with nothing dated its logical date says so with these bounds.
with dated as (
    select event_date from raw.generic_interactions
    union all
    select event_date from staging.posts
),

final as (
    select
        min(event_date) as first_date,
        max(event_date) as last_date,
        count(distinct event_date) as dates
    from dated
)

select * from final
