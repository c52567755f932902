-- raw.generic_interactions goes back to DuckDB's own choice of compression for its id columns (dictionary + FSST
-- for short ids), undoing 0102's zstd for them, and `kind` becomes NOT NULL as its contract says (landing never
-- wrote a null kind). Measured on DuckDB 2.0 (figures: docs/benchmarks.md): the insert costs the same either way,
-- but a scan of the ids (the exact distinct-key count at landing) is faster and the warehouse much smaller.
-- raw.records keeps zstd for its JSON payloads, where it halves the size. A column's compression can only be chosen
-- when it is created, so the table is rebuilt with the same columns, order and rows. Grain: one row per good
-- record of a generic interaction file (file_id, record_no).

create table raw.generic_interactions_rebuilt (
    file_id      bigint not null,
    record_no    bigint not null,
    network      varchar not null,
    actor_id     varchar not null,
    target_id    varchar not null,
    occurred_at  timestamp not null,
    kind_raw     varchar not null,
    event_date   date not null,
    post_id      varchar,
    kind         varchar not null
);
insert into raw.generic_interactions_rebuilt by name select * from raw.generic_interactions;
drop table raw.generic_interactions;
alter table raw.generic_interactions_rebuilt rename to generic_interactions;
