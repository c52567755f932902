-- Raw layer for every export format (issue 3). Nothing is lost: a record is either in raw.records
-- (kept as delivered, with where it came from) or in raw.quarantine (with the reason and its raw text).

-- raw.records: one row per record of a landed file (a tweet, a user object, an outbox activity, a CSV row).
-- account_ids: every account the record is about (author, actor, mentioned, followed), so an erasure can
-- find all of a person's raw rows with `list_has_any(account_ids, [...])` without parsing payloads.
create table raw.records (
    file_id      bigint not null,
    record_no    bigint not null,
    location     varchar not null,   -- `line 12`, `line 3 $.data[5]`, `data/tweets.js $[41].tweet`
    entity       varchar not null,   -- post | account | follow | identity_link
    network      varchar not null,
    account_ids  varchar[] not null,
    payload      varchar not null    -- the record's JSON or CSV text, every field kept
);

-- raw.quarantine: one row per record that could not be landed, with why; never silently dropped.
create table raw.quarantine (
    file_id      bigint not null,
    record_no    bigint not null,
    location     varchar not null,
    reason       varchar not null,
    raw_text     varchar not null,
    account_ids  varchar[] not null
);

-- raw.landings: one row per landed file: the reconcile (read = staged + duplicates + quarantined).
create table raw.landings (
    file_id      bigint primary key,
    format       varchar not null,
    records_read bigint not null,
    staged       bigint not null,
    duplicates   bigint not null,
    quarantined  bigint not null,
    seconds      double not null
);

-- raw.unknown_fields: one row per (format, field) never seen before; reported once, kept in payload.
create table raw.unknown_fields (
    format         varchar not null,
    field          varchar not null,
    first_file_id  bigint not null,
    primary key (format, field)
);

-- Generic interactions may carry a post id and a canonical kind (CSV/Parquet/NDJSON with a mapping).
alter table raw.generic_interactions add column post_id varchar;

-- The canonical kind beside the delivered code (RT/MT/...), so duplicates across files compare like with like.
alter table raw.generic_interactions add column kind varchar;
update raw.generic_interactions set kind = case kind_raw
    when 'RT' then 'repost' when 'RE' then 'reply' when 'MT' then 'mention'
    when 'QT' then 'quote' when 'LK' then 'like' when 'FW' then 'follow'
    else kind_raw
end;
