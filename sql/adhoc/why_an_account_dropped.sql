-- Why did an account drop? Its falls, each with the parts that moved it, largest first.
-- It picks the account with the largest single fall in the published history; to ask about one account, make
-- `picked` select it instead: `select 'twitter' as network, '88' as account_id`.
with picked as (
    select network, account_id
    from published.score_changes
    where change < 0
    order by change, logical_date desc, network, account_id
    limit 1
),

falls as (
    select c.*
    from published.score_changes as c
    inner join picked as p on c.network = p.network and c.account_id = p.account_id
    where c.change < 0
),

final as (
    select logical_date, network, account_id, previous_score, score, change, change_explained,
           change_reach, change_engagement, change_rate, change_impact, change_audience, change_discount
    from falls
    order by change, logical_date desc
    limit 20
)

select * from final
