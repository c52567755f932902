-- candidate.scores: one row per run, network and account. Kept after the run for review and rollback.
create table candidate.scores (
    run_id             varchar not null,
    logical_date       date not null,
    network            varchar not null,
    account_id         varchar not null,
    score              integer not null,
    raw_score          double not null,
    reactions          double not null,
    distinct_reactors  integer not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);
