-- staging.accounts: one row per network account per observation date (natural key network, account_id,
-- observed_date). Within a date the newest observation's counters win; null counters never erase known ones.
create or replace temp table land_account_newest as
with newest as (
    -- per account and date, the record of its newest observation (no time counts as oldest, a tie goes to the
    -- later record): an aggregate over keys rather than a window, which would sort whole rows
    select arg_max(record_no, (observed_at is not null, coalesce(observed_at, timestamp '-infinity'), record_no))
        as record_no
    from land_account
    group by network, account_id, cast(observed_at as date)
),

this_file as (
    select *, cast(observed_at as date) as observed_date
    from land_account
    where record_no in (select record_no from newest)
),

known as (
    -- the keys of this file that staging already holds (a semi join, not `not exists`: see merge_post.sql)
    select distinct a.network, a.account_id, a.observed_date
    from staging.accounts as a
    semi join this_file as r
        on a.network = r.network and a.account_id = r.account_id and a.observed_date = r.observed_date
),

final as (
    select r.*, k.account_id is null as is_new
    from this_file as r
    left join known as k
        on k.network = r.network and k.account_id = r.account_id and k.observed_date = r.observed_date
)

select * from final;

-- Names only where they changed, before observed_at moves on: an updated text column is rewritten whole at the
-- next checkpoint, and a re-observed account almost always has the same names.
update staging.accounts as a set
    handle = coalesce(n.handle, a.handle),
    display_name = coalesce(n.display_name, a.display_name)
from land_account_newest as n
where a.network = n.network and a.account_id = n.account_id and a.observed_date = n.observed_date
    and not n.is_new and n.observed_at > coalesce(a.observed_at, timestamp '0001-01-01')
    and (n.handle is distinct from a.handle and n.handle is not null
        or n.display_name is distinct from a.display_name and n.display_name is not null);

update staging.accounts as a set
    followers = coalesce(n.followers, a.followers),
    following = coalesce(n.following, a.following),
    listed = coalesce(n.listed, a.listed),
    posts_count = coalesce(n.posts_count, a.posts_count),
    observed_at = n.observed_at
from land_account_newest as n
where a.network = n.network and a.account_id = n.account_id and a.observed_date = n.observed_date
    and not n.is_new and n.observed_at > coalesce(a.observed_at, timestamp '0001-01-01');

insert into staging.accounts (
    network, account_id, handle, display_name, followers, following, listed, posts_count, birth_date,
    observed_date, source_file_id, observed_at
)
select
    network, account_id, handle, display_name, followers, following, listed, posts_count, birth_date,
    observed_date, $file_id, observed_at
from land_account_newest
where is_new;
