-- raw.deleted_posts: one row per post a stream said was deleted (grain: network + post), the first notice's file.
-- What every post landing checks its posts against (sql/stage/merge_post.sql), so it stays small: keys only, not
-- the notices' payloads. Filled from the deletions landed before it (raw.stream_notices, 0840).
create table if not exists raw.deleted_posts (
    network      varchar not null,
    post_id      varchar not null,
    file_id      bigint not null,
    primary key (network, post_id)
);

insert or ignore into raw.deleted_posts
select network, post_id, min(file_id)
from raw.stream_notices
where kind = 'delete' and post_id is not null
group by network, post_id;
