-- staging.interactions: one row per distinct interaction (network, actor, target, kind, time, post).
create table staging.interactions (
    network         varchar not null,
    actor_id        varchar not null,
    target_id       varchar not null,
    kind            varchar not null,
    post_id         varchar,
    occurred_at     timestamp not null,
    event_date      date not null,
    source_file_id  bigint not null
);
