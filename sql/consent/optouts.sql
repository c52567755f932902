-- The opt-out registry for `clout optouts`: one row per request, with how much its erasures removed.
with erased as (
    select optout_id, count(*) as erasures, sum(rows_changed) as rows_changed, max(erased_at) as last_erased_at
    from meta.erasures
    group by all
),

accounts as (
    select optout_id, count(distinct account_key) as accounts from meta.optout_accounts group by all
),

final as (
    select o.optout_id, o.subject_kind, o.network, o.subject_key, a.accounts, o.source, o.requested_at,
           o.recorded_by, e.erasures, e.rows_changed, e.last_erased_at
    from meta.optouts as o
    left join accounts as a using (optout_id)
    left join erased as e using (optout_id)
)

select * from final
order by optout_id
