-- The swing gate's records (issue 5). See clout/gate and config/gate.yaml.

-- meta.gate_outcomes: one row per audited run: the outcome and how the change splits into its parts.
create table meta.gate_outcomes (
    run_id                   varchar not null,
    logical_date             date not null,
    outcome                  varchar not null,  -- PASS | WARN | HOLD
    attribution              varchar not null,  -- none (first night) | data | algorithm | unknown
    baseline_run_id          varchar,           -- the last published night compared against
    baseline_date            date,
    shadow_run_id            varchar,           -- last published algorithm on the same data, if the algorithm changed
    data_share_moved         double,            -- share of accounts moved 10+ points by the data-driven part
    data_mean_abs_move       double,
    algorithm_share_moved    double,            -- ... by the algorithm-driven part (null: unchanged algorithm)
    algorithm_mean_abs_move  double,
    findings                 json,              -- [{severity, kind, text}]
    report_path              varchar,
    seconds                  double,
    audited_at               timestamp not null
);

-- meta.gate_results: one row per run, part (total | data | algorithm), scope (all | network | topic),
-- scope value and swing metric, with the verdict and what it was judged against.
create table meta.gate_results (
    run_id          varchar not null,
    logical_date    date not null,
    part            varchar not null,
    scope           varchar not null,
    scope_value     varchar not null,
    metric          varchar not null,
    value           double,
    n_common        bigint,
    history_n       bigint,
    history_median  double,
    z               double,
    bound           double,
    basis           varchar,   -- history | fixed | tolerance | none
    verdict         varchar not null  -- ok | warn | hold | info
);

-- meta.gate_checks: one row per run and contract check (Great Expectations), passed or not.
create table meta.gate_checks (
    run_id       varchar not null,
    check_name   varchar not null,
    column_name  varchar,
    passed       boolean not null,
    severity     varchar not null,  -- hold | warn
    detail       varchar
);
