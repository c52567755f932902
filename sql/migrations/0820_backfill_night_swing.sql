-- meta.backfill_night_swing: one row per backfill night: what the range's gate sums over the night's account pairs
-- (the backfill's scores against the published night's, clout.backfill.night_swing), kept when the night is
-- gated, so gating the range adds up 90 rows instead of joining 90 nights of accounts with the published history
-- again (clout.backfill.range_summary). A row holds only while what it was made from does: the same run of the
-- night, the same published run and no erasure since (sql/backfill/stale_night_swings.sql); otherwise it is made
-- again when the range is gated.
create table meta.backfill_night_swing (
    backfill_id        varchar not null,
    logical_date       date not null,
    run_id             varchar,           -- the backfill's run of the night (null: not scored)
    published_run_id   varchar,           -- the published run of the night it was compared with (null: none)
    erasure_id         bigint not null,   -- the last erasure (0: none) when it was made
    accounts_compared  bigint not null,   -- accounts scored on both sides
    accounts_scored    bigint not null,   -- of those, scored above 1 on either side; the sums below are over these
    moved_10           bigint not null,   -- moved 10 points or more
    abs_move           hugeint not null,  -- sum of |new - published|
    sum_new            hugeint not null,
    sum_old            hugeint not null,
    sum_new2           hugeint not null,
    sum_old2           hugeint not null,
    sum_new_old        hugeint not null,
    top_old            bigint not null,   -- the published night's top 100 (fewer on a smaller night)
    top_common         bigint not null,   -- of those, in the backfill night's top 100
    primary key (backfill_id, logical_date)
);
