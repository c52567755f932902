-- Durable opt-outs (issue 15): an erasure interrupted after its tables committed is finished by the next clout
-- command that writes. The table part (rows deleted and pseudonymised, counted in meta.erasure_log) commits in
-- one transaction with a row here; the file part (published Parquet partitions, the reader catalog, run reports)
-- and the compaction of the DuckDB file follow and are redone until done.

-- meta.pending_erasures: one row per erasure whose work outside the tables is not finished yet.
create table meta.pending_erasures (
    erasure_id   bigint primary key,
    step         varchar not null,    -- files: partitions, catalog and reports to rewrite | compact: erased bytes
                                      -- still in free blocks of the file until the next compaction
    recorded_at  timestamp not null
);

-- meta.report_movers: one row per run report, side and rank: the accounts a run report names.
-- Reports are rendered from these rows, so an erasure deletes an account's rows here like anywhere else and the
-- report is rendered again from what is left (never patched by a text search).
create table meta.report_movers (
    run_id          varchar not null,
    side            varchar not null,  -- risers | fallers
    rank            integer not null,
    network         varchar not null,
    account_id      varchar not null,
    "before"        double,
    "after"         double,
    change          double,
    data_part       double,
    algorithm_part  double,
    explanation     varchar
);
