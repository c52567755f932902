-- Other accounts whose scores move because an account they interacted with was erased since the last night
-- published before the logical date. Grain: one row per network and account.
with baseline as (
    select max(published_at) as published_at
    from published.nights
    where logical_date < $logical_date
),

final as (
    select distinct n.network, n.account_id
    from meta.erasure_neighbours as n
    inner join meta.erasures as e on e.erasure_id = n.erasure_id
    where e.erased_at > coalesce((select published_at from baseline), timestamp '1970-01-01')
)

select * from final
order by network, account_id
