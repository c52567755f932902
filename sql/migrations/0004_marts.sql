-- marts.engagement_daily: one row per network, actor, target and day (the engagement graph, by day).
create table marts.engagement_daily (
    network        varchar not null,
    actor_id       varchar not null,
    target_id      varchar not null,
    activity_date  date not null,
    reposts        integer not null,
    replies        integer not null,
    mentions       integer not null,
    quotes         integer not null,
    likes          integer not null,
    reactions      integer not null
);

-- marts.account_daily: one row per network, account and day with any activity.
create table marts.account_daily (
    network             varchar not null,
    account_id          varchar not null,
    activity_date       date not null,
    reactions_received  integer not null,
    distinct_reactors   integer not null,
    reactions_sent      integer not null
);
