-- staging.posts: one row per network post (natural key network + post_id). A landing adds the posts that
-- are new and refreshes the counters of known posts when its observation is newer; `land_post_newest`
-- (one row per post in this file, newest observation, `is_new` flag) stays behind for the reconcile.
create or replace temp table land_post_newest as
with newest as (
    -- per post, the record of its newest observation (no time counts as oldest, a tie goes to the later record):
    -- an aggregate over keys rather than a window, which would sort whole rows, text and lists included
    select arg_max(record_no, (observed_at is not null, coalesce(observed_at, timestamp '-infinity'), record_no))
        as record_no
    from land_post
    group by network, post_id
),

deleted as (
    -- this file's posts that a stream's deletion notice named (an earlier file's, or this one's): they do not come
    -- back with a delivery. A semi join, as `known` below: the file's keys hashed, the deleted keys streamed past.
    select d.network, d.post_id
    from raw.deleted_posts as d
    semi join land_post as l on d.network = l.network and d.post_id = l.post_id
    union
    select network, post_id
    from raw.stream_notices
    where file_id = $file_id and kind = 'delete' and post_id is not null
),

this_file as (
    select * from land_post as l
    where record_no in (select record_no from newest)
      and not exists (select 1 from deleted as d where d.network = l.network and d.post_id = l.post_id)
),

known as (
    -- the keys of this file that staging already holds: a semi join hashes the file's few keys and streams staging
    -- past them once; a `not exists` hashed all of staging for every file (dear for a small export)
    select distinct p.network, p.post_id
    from staging.posts as p
    semi join this_file as r on p.network = r.network and p.post_id = r.post_id
),

final as (
    select r.*, k.post_id is null as is_new
    from this_file as r
    left join known as k on k.network = r.network and k.post_id = r.post_id
)

select * from final;

-- Text only where it changed (an edit), before observed_at moves on: an updated text column is rewritten whole at
-- the next checkpoint, and a re-observed post almost always has the same text.
update staging.posts as p set
    text = n.text
from land_post_newest as n
where p.network = n.network and p.post_id = n.post_id and not n.is_new
    and n.observed_at > coalesce(p.observed_at, timestamp '0001-01-01')
    and n.text is not null and n.text is distinct from p.text;

update staging.posts as p set
    likes = coalesce(n.likes, p.likes),
    reposts = coalesce(n.reposts, p.reposts),
    replies = coalesce(n.replies, p.replies),
    quotes = coalesce(n.quotes, p.quotes),
    observed_at = n.observed_at
from land_post_newest as n
where p.network = n.network and p.post_id = n.post_id and not n.is_new
    and n.observed_at > coalesce(p.observed_at, timestamp '0001-01-01');

insert into staging.posts (
    network, post_id, author_id, created_at, event_date, text, hashtags, mentions, reply_to_post_id,
    repost_of_post_id, quote_of_post_id, likes, reposts, replies, quotes, observed_at, source_file_id,
    reply_to_author_id, repost_of_author_id, quote_of_author_id
)
select
    network, post_id, author_id, created_at, cast(created_at as date), text, coalesce(hashtags, []),
    coalesce(mentions, []), reply_to_post_id, repost_of_post_id, quote_of_post_id, likes, reposts, replies, quotes,
    observed_at, $file_id, reply_to_author_id, repost_of_author_id, quote_of_author_id
from land_post_newest
where is_new;
