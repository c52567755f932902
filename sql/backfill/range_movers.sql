-- The accounts the algorithm moved most over a backfill's range: from each night's list (meta.report_movers, side
-- 'algorithm': new minus published algorithm on the same data), each account at its night of largest move.
-- The union of the nights' top lists holds the range's top list exactly. Grain: one row per network and account.
select m.network, m.account_id, n.logical_date, m."before" as old_algorithm_score,
       m."after" as new_algorithm_score, m.change as algorithm_change, m.explanation as why
from meta.report_movers as m
inner join meta.backfill_nights as n on n.run_id = m.run_id
where n.backfill_id = $backfill_id and m.side = 'algorithm'
qualify row_number() over (partition by m.network, m.account_id
                           order by abs(m.change) desc, n.logical_date desc) = 1
order by abs(m.change) desc, m.network, m.account_id
limit $top
