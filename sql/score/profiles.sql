-- The latest profile observation of each network account up to the logical date: one row per account.
with observed as (
    select network, account_id, followers, following, listed as lists, observed_date
    from staging.accounts
    where observed_date <= $logical_date
),

final as (
    select network, account_id, followers, following, lists
    from observed
    qualify row_number() over (partition by network, account_id order by observed_date desc, followers desc) = 1
)

select * from final
