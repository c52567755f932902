-- Backfills after an algorithm change (issue 6): a date range recomputed beside the published history.

-- meta.backfills: one row per backfill: its range, algorithm, gate outcome and fate.
create table meta.backfills (
    backfill_id        varchar primary key,
    date_from          date not null,
    date_to            date not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null,
    status             varchar not null,  -- running | gated | held | promoted | rejected | rolled_back
    outcome            varchar,           -- PASS | WARN | HOLD for the whole range
    summary            json,              -- overall swing figures across the range
    report_path        varchar,
    started_at         timestamp not null,
    finished_at        timestamp,
    actor              varchar,
    reason             varchar
);

-- meta.backfill_nights: one row per backfill and logical date: the run that scored it and its gate outcome.
create table meta.backfill_nights (
    backfill_id   varchar not null,
    logical_date  date not null,
    run_id        varchar,
    status        varchar not null,  -- pending | scored | gated
    outcome       varchar,
    primary key (backfill_id, logical_date)
);
