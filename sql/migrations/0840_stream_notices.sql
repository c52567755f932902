-- raw.stream_notices: one row per notice line of a Twitter API v1.1 stream capture (grain: file + record): the
-- messages a stream sends between tweets (a deletion, a rate-limit count, a geo scrub, a withheld status...).
-- They are records of the file but not of any entity: kept here with their payload, counted apart in the reconcile
-- (read = staged + duplicates + quarantined + notices), and a deletion takes its post out of staging
-- (sql/land/apply_deletions.sql) and keeps it out of later deliveries (raw.deleted_posts: 0850).
create table raw.stream_notices (
    file_id      bigint not null,
    record_no    bigint not null,
    location     varchar not null,
    network      varchar not null,
    kind         varchar not null,  -- the message's key: delete, limit, scrub_geo, status_withheld, ...
    post_id      varchar,           -- delete, status_withheld: the post it is about
    account_id   varchar,           -- delete, scrub_geo, status_withheld, user_withheld: whose
    undelivered  bigint,            -- limit: tweets the stream had not delivered since it connected
    payload      varchar not null
);

alter table raw.landings add column notices bigint not null default 0;
