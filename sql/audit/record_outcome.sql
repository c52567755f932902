-- meta.gate_outcomes for one run (one row per audited run; re-auditing a run replaces its row).
delete from meta.gate_outcomes where run_id = $run_id;

insert into meta.gate_outcomes
select
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    $outcome as outcome,
    $attribution as attribution,
    $baseline_run_id as baseline_run_id,
    cast($baseline_date as date) as baseline_date,
    $shadow_run_id as shadow_run_id,
    $data_share_moved as data_share_moved,
    $data_mean_abs_move as data_mean_abs_move,
    $algorithm_share_moved as algorithm_share_moved,
    $algorithm_mean_abs_move as algorithm_mean_abs_move,
    $findings as findings,
    $report_path as report_path,
    $seconds as seconds,
    now() as audited_at;
