-- Values in the rows of not yet checked files whose pseudonym is registered as opted out: the accounts a new
-- landing brought back. {values} is the column as a list (`[t.col]` for a scalar). Grain: one row per match.
with candidates as (
    select {net} as network, unnest({values}) as value
    from {table} as t
    where t.{file_col} in (select file_id from unchecked_files)
),

distinct_values as (
    select distinct network, value from candidates where value is not null
),

final as (
    select o.network, v.value, o.account_key,
           case when o.account_key = 'anon-' || left(sha256($secret || ':' || o.network || ':' || v.value), 16)
                then 'id' else 'handle' end as kind
    from distinct_values as v
    inner join meta.optout_accounts as o
        on o.network = coalesce(v.network, o.network)
        and (o.account_key = 'anon-' || left(sha256($secret || ':' || o.network || ':' || v.value), 16)
             or o.handle_key = 'anon-' || left(sha256($secret || ':' || o.network || ':@' || lower(ltrim(v.value, '@'))), 16))
)

select * from final
