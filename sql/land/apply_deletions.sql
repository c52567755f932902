-- The posts this file's deletion notices name, taken out of staging (they may have landed earlier, or earlier in
-- this file): nights staged from now on do not count them. Returns how many posts left staging.
delete from staging.posts as p
using (
    select distinct network, post_id
    from raw.stream_notices
    where file_id = $file_id and kind = 'delete' and post_id is not null
) as d
where p.network = d.network and p.post_id = d.post_id
returning p.post_id
