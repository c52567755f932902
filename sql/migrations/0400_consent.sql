-- Consent (issue 7): the opt-out registry, the erasure log, and the accounts that are never scored.
-- The registry never stores an opted-out person's id or handle in clear (the erasure would leave them in the
-- file): it stores their pseudonym, a keyed sha256 of `network:account_id` under a per-warehouse secret. The
-- same pseudonym replaces them in other people's data, so a later landing can be matched against it.

-- meta.consent_key: one row: the per-warehouse secret of the pseudonyms. Never published, never exported.
create table meta.consent_key (
    secret      varchar not null,
    created_at  timestamp not null
);
insert into meta.consent_key
select replace(cast(gen_random_uuid() as varchar), '-', '') || replace(cast(gen_random_uuid() as varchar), '-', ''),
       now();

-- meta.optouts: one row per opt-out request (a person, or one network account), never updated.
create table meta.optouts (
    optout_id      bigint primary key,
    subject_kind   varchar not null,   -- person | account
    subject_key    varchar not null,   -- pseudonym of the person id or of network:account_id
    network        varchar,            -- null for a person (all their linked accounts)
    source         varchar not null,   -- where the request came from: "email 2026-11-20 ticket 123"
    requested_at   timestamp not null,
    recorded_at    timestamp not null,
    recorded_by    varchar not null
);
create sequence meta.optout_id_seq start 1;

-- meta.optout_accounts: one row per network account an opt-out covers (its pseudonym; the handle's too).
create table meta.optout_accounts (
    optout_id    bigint not null,
    network      varchar not null,
    account_key  varchar not null,     -- pseudonym of network:account_id: what replaces it everywhere
    handle_key   varchar               -- pseudonym of network:@handle (lower case), when a handle was known
);

-- meta.erasures: one row per erasure (at the opt-out, or when a later landing brought an opted-out account).
create table meta.erasures (
    erasure_id         bigint primary key,
    optout_id          bigint not null,    -- the opt-out it enforced
    trigger            varchar not null,   -- optout | landing
    accounts           integer not null,   -- network accounts erased
    rows_changed       bigint not null,    -- rows deleted or pseudonymised, all tables
    partitions_rewritten integer not null, -- published Parquet partitions rewritten without them
    erased_at          timestamp not null,
    erased_by          varchar not null,
    seconds            double not null
);
create sequence meta.erasure_id_seq start 1;

-- meta.erasure_log: one row per erasure, table and action: how many rows were deleted or pseudonymised.
create table meta.erasure_log (
    erasure_id  bigint not null,
    table_name  varchar not null,
    action      varchar not null,   -- deleted | pseudonymised | file_deleted
    rows        bigint not null
);

-- meta.erasure_neighbours: one row per erasure and other account that had interactions with an erased one:
-- their scores move for a known reason, which the swing gate treats as expected change.
create table meta.erasure_neighbours (
    erasure_id  bigint not null,
    network     varchar not null,
    account_id  varchar not null
);

-- meta.consent_checked_files: one row per landed file the opt-out registry was applied to. A landing checks
-- only files not in here, so a file that still contains an opted-out person cannot bring them back.
create table meta.consent_checked_files (
    file_id     bigint primary key,
    checked_at  timestamp not null
);
