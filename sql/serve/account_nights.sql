-- Where one account has published scores, for `clout explain` when the night or network asked has none: one row per
-- network it is scored on, with its first and last scored night, how many, and whether it is scored on $logical_date
-- (null: the latest published night).
select
    network,
    min(logical_date) as first_date,
    max(logical_date) as last_date,
    count(*) as nights,
    bool_or(logical_date = coalesce(cast($logical_date as date),
                                    (select max(logical_date) from published.nights))) as on_the_night
from published.scores
where account_id = $account_id
group by network
order by network
