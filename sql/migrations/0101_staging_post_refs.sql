-- staging.posts: the author each reference points at, known at landing time (v2 includes, v1 embedded
-- statuses, archive mentions), so replies/reposts/quotes become interactions without the original post.
alter table staging.posts add column reply_to_author_id varchar;
alter table staging.posts add column repost_of_author_id varchar;
alter table staging.posts add column quote_of_author_id varchar;

-- staging.accounts: when the profile was observed (not only the date), so the newest counters win.
alter table staging.accounts add column observed_at timestamp;
