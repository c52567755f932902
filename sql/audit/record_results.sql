-- meta.gate_results for one run, from the judged metrics (registered as `gate_metrics`) and the
-- checks (registered as `gate_checks`); re-auditing a run replaces its rows.
delete from meta.gate_results where run_id = $run_id;

insert into meta.gate_results
select
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    part, scope, scope_value, metric, value, n_common, history_n, history_median, z, bound, basis, verdict
from gate_metrics;

delete from meta.gate_checks where run_id = $run_id;

insert into meta.gate_checks
select $run_id as run_id, check_name, column_name, passed, severity, detail
from gate_checks;
