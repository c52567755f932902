-- The algorithm the recent published history was scored with (zero or one row): the one most of the last $nights
-- published nights before $logical_date used (the latest on a tie), with how many of them it scored. When it is not
-- the last night's algorithm, the history is mixed (one approved night of another algorithm inside it), and the
-- gate measures the algorithm-driven change against this one, so that night never becomes a silent baseline.
with recent as (
    select n.logical_date, r.algorithm_version, r.fingerprint
    from published.nights as n
    inner join meta.runs as r using (run_id)
    where n.logical_date < $logical_date
    order by n.logical_date desc
    limit $nights
),

final as (
    select
        algorithm_version,
        fingerprint,
        count(*) as nights,
        max(logical_date) as last_date,
        (select count(*) from recent) as of_nights
    from recent
    group by algorithm_version, fingerprint
    order by nights desc, last_date desc
    limit 1
)

select * from final
