-- One block of v2 records (v2_rows, made by twitter_v2_rows.sql on the parsing connection and handed over as Arrow)
-- written out: good records to raw.records and their canonical rows to the file's scratch tables (merged into
-- staging once the whole file is read), the rest to raw.quarantine.
insert into raw.records
select $file_id, record_no, location, entity, network, account_ids, payload
from v2_rows
where reason is null;

insert into raw.quarantine
select $file_id, record_no, location, reason, payload, account_ids
from v2_rows
where reason is not null;

insert into land_post
select
    record_no, network, post_id, author_id, created_at, text, hashtags, mentions, reply_to_post_id,
    reply_to_author_id, repost_of_post_id, repost_of_author_id, quote_of_post_id, quote_of_author_id, likes,
    reposts, replies, quotes, observed_at
from v2_rows
where entity = 'post' and reason is null;

insert into land_account
select
    record_no, network, account_id, handle, display_name, followers, following, listed, posts_count, birth_date,
    observed_at
from v2_rows
where entity = 'account' and reason is null;
