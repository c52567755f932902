-- The canonical staging model every export format lands into (see DESIGN.md "Canonical model").

-- staging.accounts: one row per network account per observation date (profile snapshot).
create table staging.accounts (
    network         varchar not null,
    account_id      varchar not null,
    handle          varchar,
    display_name    varchar,
    followers       bigint,
    following       bigint,
    listed          bigint,
    posts_count     bigint,
    birth_date      date,
    observed_date   date not null,
    source_file_id  bigint not null
);

-- staging.posts: one row per network post (natural key network + post_id), newest counters kept.
create table staging.posts (
    network           varchar not null,
    post_id           varchar not null,
    author_id         varchar not null,
    created_at        timestamp not null,
    event_date        date not null,
    text              varchar,
    hashtags          varchar[],
    mentions          varchar[],
    reply_to_post_id  varchar,
    repost_of_post_id varchar,
    quote_of_post_id  varchar,
    likes             bigint,
    reposts           bigint,
    replies           bigint,
    quotes            bigint,
    observed_at       timestamp,
    source_file_id    bigint not null
);

-- staging.follows: one row per network, follower and followed account.
create table staging.follows (
    network         varchar not null,
    follower_id     varchar not null,
    followed_id     varchar not null,
    observed_date   date,
    source_file_id  bigint not null
);

-- staging.identity_links: one row per person and network account they linked.
create table staging.identity_links (
    person_id       varchar not null,
    network         varchar not null,
    account_id      varchar not null,
    is_minor        boolean not null default false,
    source_file_id  bigint
);
