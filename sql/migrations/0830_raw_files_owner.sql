-- raw.files: a file's identity is its content hash, plus its owner for exports whose rows do not name the owner
-- (the owner comes from a companion file such as actor.json, or --account): two owners' byte-identical
-- following_accounts.csv files are two owners' follows, not one file delivered twice (docs/formats.md).
-- DuckDB cannot drop the old unique(sha256), so the table is rebuilt with the same rows and an `owner` column.
-- Files landed before this migration keep owner null; landing tells their owner from their records
-- (sql/land/landed_before.sql).
create table raw.files_0830 (
    file_id      bigint primary key,
    path         varchar not null,
    size_bytes   bigint not null,
    sha256       varchar not null,
    format       varchar not null,
    network      varchar not null,
    records      bigint not null,
    landed_at    timestamp not null,
    owner        varchar,  -- the export's owner when its rows do not name it; null when they do
    unique (sha256, owner)
);
insert into raw.files_0830 (file_id, path, size_bytes, sha256, format, network, records, landed_at)
select file_id, path, size_bytes, sha256, format, network, records, landed_at from raw.files;
drop table raw.files;
alter table raw.files_0830 rename to files;
