-- marts.day_checksums for the days from date_from to date_to: one row per day, a checksum of the day's
-- engagement and post rows (0 for a day without any). The score state compares it with what it applied.
insert or replace into marts.day_checksums
with days as (
    select cast(unnest(generate_series(cast($date_from as date), cast($date_to as date), interval 1 day)) as date)
        as activity_date
),

engagement as (
    select activity_date,
           sum(hash(network, actor_id, target_id, reposts, replies, mentions, quotes, likes)) + count(*) as checksum
    from marts.engagement_daily
    where activity_date between $date_from and $date_to
    group by all
),

posts as (
    select activity_date, sum(hash(network, post_id, author_id)) + count(*) * 3 as checksum
    from marts.post_daily
    where activity_date between $date_from and $date_to
    group by all
),

final as (
    select d.activity_date, coalesce(e.checksum, 0) + coalesce(p.checksum, 0) as checksum
    from days as d
    left join engagement as e using (activity_date)
    left join posts as p using (activity_date)
)

select * from final;
