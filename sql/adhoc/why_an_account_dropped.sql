-- Why did an account drop? Its biggest falls, each with the parts that moved it, largest first.
-- Put the account id in (or remove the filter to see the biggest falls of the night).
with falls as (
    select *
    from published.score_changes
    where change < 0 and account_id = '88'
),

final as (
    select logical_date, network, account_id, previous_score, score, change, change_explained,
           change_reach, change_engagement, change_rate, change_impact, change_audience, change_discount
    from falls
    order by change, logical_date desc
    limit 20
)

select * from final
