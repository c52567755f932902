-- The algorithm a night scores with when none is named (zero or one row): the one most of the last $nights
-- published nights up to $logical_date used, the latest on a tie (as sql/audit/reference_algorithm.sql judges the
-- history). So a promoted backfill's algorithm carries on into the nights after it, while one approved night of
-- another algorithm (an exception) does not become the next night's.
with recent as (
    select n.logical_date, r.algorithm_version
    from published.nights as n
    inner join meta.runs as r using (run_id)
    where n.logical_date <= $logical_date
    order by n.logical_date desc
    limit $nights
),

final as (
    select algorithm_version
    from recent
    group by algorithm_version
    order by count(*) desc, max(logical_date) desc
    limit 1
)

select * from final
