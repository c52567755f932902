-- One run's judged swing metrics: one row per part, scope, scope value and metric; worst first.
select * from meta.gate_results
where run_id = $run_id
order by
    case verdict when 'hold' then 0 when 'warn' then 1 when 'ok' then 2 else 3 end,
    case scope when 'all' then 0 when 'network' then 1 else 2 end,
    part, scope_value, metric
