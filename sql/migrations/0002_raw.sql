-- raw.files: one row per delivered file (content hash is the identity: the same bytes land once).
create table raw.files (
    file_id      bigint primary key,
    path         varchar not null,
    size_bytes   bigint not null,
    sha256       varchar not null unique,
    format       varchar not null,
    network      varchar not null,
    records      bigint not null,
    landed_at    timestamp not null
);
create sequence raw.file_id_seq start 1;

-- raw.generic_interactions: one row per record of a generic interaction file, as delivered.
create table raw.generic_interactions (
    file_id      bigint not null,
    record_no    bigint not null,
    network      varchar not null,
    actor_id     varchar not null,
    target_id    varchar not null,
    occurred_at  timestamp not null,
    kind_raw     varchar not null,
    event_date   date not null
);
