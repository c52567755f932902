-- Every part of every overall metric of the last $nights audited, published nights (held ones included, marked):
-- one row per night, part and metric, for the run report's "against history" charts.
with nights as (
    select n.logical_date, n.run_id, g.outcome
    from published.nights as n
    inner join meta.gate_outcomes as g using (run_id)
    where n.logical_date < $logical_date
    order by n.logical_date desc
    limit $nights
),

final as (
    select nights.logical_date, nights.outcome, r.part, r.metric, r.value
    from meta.gate_results as r
    inner join nights using (run_id)
    where r.scope = 'all'
)

select * from final order by logical_date
