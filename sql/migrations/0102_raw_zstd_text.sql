-- The bulk text columns of the raw layer (account ids, post ids, JSON payloads) are stored with zstd. DuckDB's
-- default for strings (DICT_FSST) was where landing spent its time: zstd writes the ids and the JSON payloads in
-- less CPU and less space (figures: docs/benchmarks.md). Scans are no slower. A column's compression can only be
-- chosen when it is created, so both tables are rebuilt with the same columns, order and rows.

create table raw.generic_interactions_zstd (
    file_id      bigint not null,
    record_no    bigint not null,
    network      varchar not null,
    actor_id     varchar not null using compression zstd,
    target_id    varchar not null using compression zstd,
    occurred_at  timestamp not null,
    kind_raw     varchar not null,
    event_date   date not null,
    post_id      varchar using compression zstd,
    kind         varchar
);
insert into raw.generic_interactions_zstd by name select * from raw.generic_interactions;
drop table raw.generic_interactions;
alter table raw.generic_interactions_zstd rename to generic_interactions;

create table raw.records_zstd (
    file_id      bigint not null,
    record_no    bigint not null,
    location     varchar not null,
    entity       varchar not null,
    network      varchar not null,
    account_ids  varchar[] not null,
    payload      varchar not null using compression zstd
);
insert into raw.records_zstd by name select * from raw.records;
drop table raw.records;
alter table raw.records_zstd rename to records;
