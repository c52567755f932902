-- This file's deletion notices: their posts recorded in raw.deleted_posts (kept out of later deliveries by
-- sql/stage/merge_post.sql), and taken out of staging (landed by an earlier file; one deleted in this file never
-- entered it): nights staged from now on do not count them. Returns the posts that left staging.
insert or ignore into raw.deleted_posts
select distinct network, post_id, $file_id
from raw.stream_notices
where file_id = $file_id and kind = 'delete' and post_id is not null;

delete from staging.posts as p
using (
    select distinct network, post_id
    from raw.stream_notices
    where file_id = $file_id and kind = 'delete' and post_id is not null
) as d
where p.network = d.network and p.post_id = d.post_id
returning p.post_id
