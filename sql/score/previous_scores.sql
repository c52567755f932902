-- The last published night before the logical date: one row per network account, with its parts.
select network, account_id, score, part_reach, part_engagement, part_rate, part_impact, part_audience, part_discount
from published.scores
where logical_date = (select max(logical_date) from published.nights where logical_date < $logical_date)
