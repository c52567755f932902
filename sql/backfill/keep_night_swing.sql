-- Keep one backfill night's sums for the range's gate (meta.backfill_night_swing; the figures from
-- clout.backfill.night_swing), with what they were made from: the night's run, the published run and the last erasure.
insert or replace into meta.backfill_night_swing
select
    $backfill_id, cast($logical_date as date), $run_id, $published_run_id,
    (select coalesce(max(erasure_id), 0) from meta.erasures),
    $accounts_compared, $accounts_scored, $moved_10, $abs_move, $sum_new, $sum_old, $sum_new2, $sum_old2,
    $sum_new_old, $top_old, $top_common;
