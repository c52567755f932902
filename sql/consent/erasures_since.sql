-- Accounts erased since the last night published before the logical date: the swing gate treats the change
-- they cause as expected. Grain: one row per erasure and erased account (its pseudonym).
with baseline as (
    select max(published_at) as published_at
    from published.nights
    where logical_date < $logical_date
),

final as (
    select e.erasure_id, e.erased_at, e.trigger, o.network, o.account_key
    from meta.erasures as e
    inner join meta.optout_accounts as o on o.optout_id = e.optout_id
    where e.erased_at > coalesce((select published_at from baseline), timestamp '1970-01-01')
)

select distinct * from final
order by erasure_id, network, account_key
