-- The last published night before a logical date (zero or one row): what a candidate is compared against.
with live as (
    select n.logical_date, n.run_id, r.algorithm_version, r.fingerprint
    from published.nights as n
    inner join meta.runs as r using (run_id)
    where n.logical_date < $logical_date
),

final as (
    select * from live
    order by logical_date desc
    limit 1
)

select * from final
