-- Distinct reactors of the window's posts: one row per network post and reactor (minors left out).
with minors as (
    select network, account_id from staging.identity_links where is_minor
),

final as (
    select distinct r.network, r.post_id, r.actor_id
    from marts.post_reactors as r
    anti join minors as m on m.network = r.network and m.account_id = r.actor_id
    where r.activity_date > cast($logical_date as date) - cast($window_days as integer)
      and r.activity_date <= $logical_date
)

select * from final
