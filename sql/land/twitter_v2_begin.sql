-- The scratch tables one v2 file's canonical rows wait in (temp: gone with the connection) until the whole file is
-- read, so a failing file lands nothing; columns as clout.land.formats.base POST_SCHEMA and ACCOUNT_SCHEMA.
create or replace temp table land_post (
    record_no bigint, network varchar, post_id varchar, author_id varchar, created_at timestamp, text varchar,
    hashtags varchar[], mentions varchar[], reply_to_post_id varchar, reply_to_author_id varchar,
    repost_of_post_id varchar, repost_of_author_id varchar, quote_of_post_id varchar, quote_of_author_id varchar,
    likes bigint, reposts bigint, replies bigint, quotes bigint, observed_at timestamp
);

create or replace temp table land_account (
    record_no bigint, network varchar, account_id varchar, handle varchar, display_name varchar, followers bigint,
    following bigint, listed bigint, posts_count bigint, birth_date date, observed_at timestamp
);
