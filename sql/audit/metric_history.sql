-- Data-driven swing metrics of the last $nights published nights before $logical_date that the gate did not
-- hold: one row per night, scope, scope value and metric. A night the gate held is left out even if someone
-- approved it: an unusual night must not become the yardstick for the next ones.
with nights as (
    select n.logical_date, n.run_id
    from published.nights as n
    inner join meta.gate_outcomes as g using (run_id)
    where n.logical_date < $logical_date and g.outcome <> 'HOLD'
    order by n.logical_date desc
    limit $nights
),

final as (
    select nights.logical_date, r.scope, r.scope_value, r.metric, r.value
    from meta.gate_results as r
    inner join nights using (run_id)
    where r.part = 'data'
)

select * from final
