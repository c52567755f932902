-- staging.follows: one row per network, follower and followed account; a follow seen again adds nothing.
create or replace temp table land_follow_newest as
with ranked as (
    select *, row_number() over (partition by network, follower_id, followed_id order by record_no) as rn
    from land_follow
),

this_file as (
    select * exclude (rn) from ranked where rn = 1
),

known as (
    -- the keys of this file that staging already holds (a semi join, not `not exists`: see merge_post.sql)
    select distinct f.network, f.follower_id, f.followed_id
    from staging.follows as f
    semi join this_file as r
        on f.network = r.network and f.follower_id = r.follower_id and f.followed_id = r.followed_id
),

final as (
    select r.*, k.follower_id is null as is_new
    from this_file as r
    left join known as k
        on k.network = r.network and k.follower_id = r.follower_id and k.followed_id = r.followed_id
)

select * from final;

insert into staging.follows (network, follower_id, followed_id, observed_date, source_file_id)
select network, follower_id, followed_id, cast(observed_at as date), $file_id
from land_follow_newest
where is_new;
