-- meta.runs: one row per run of the nightly job (or of one of its stages).
create table meta.runs (
    run_id             varchar primary key,
    logical_date       date not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null,
    started_at         timestamp not null,
    finished_at        timestamp,
    seconds            double,
    status             varchar not null,  -- running | published | failed | held | rejected
    outcome            varchar,           -- gate outcome: PASS | WARN | HOLD | FAIL
    rows_staged        bigint,
    rows_scored        bigint,
    message            varchar,
    timings            json
);

-- meta.publish_log: one row per publish action (publish, approve, rollback), never updated.
create table meta.publish_log (
    publish_id         bigint primary key,
    action             varchar not null,
    run_id             varchar,
    logical_date       date not null,
    previous_run_id    varchar,
    algorithm_version  varchar,
    fingerprint        varchar,
    outcome            varchar,
    actor              varchar not null,
    reason             varchar,
    published_at       timestamp not null
);
create sequence meta.publish_id_seq start 1;
