-- staging.follows: one row per network, follower and followed account; a follow seen again adds nothing.
create or replace temp table land_follow_newest as
with ranked as (
    select *, row_number() over (partition by network, follower_id, followed_id order by record_no) as rn
    from land_follow
),

final as (
    select
        r.* exclude (rn),
        not exists (
            select 1 from staging.follows as f
            where f.network = r.network and f.follower_id = r.follower_id and f.followed_id = r.followed_id
        ) as is_new
    from ranked as r
    where r.rn = 1
)

select * from final;

insert into staging.follows (network, follower_id, followed_id, observed_date, source_file_id)
select network, follower_id, followed_id, cast(observed_at as date), $file_id
from land_follow_newest
where is_new;
