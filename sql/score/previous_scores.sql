-- The last published night before the logical date: one row per network account, with its parts (points and
-- raw values) and the fingerprint of the algorithm that scored it.
select network, account_id, score, part_reach, part_engagement, part_rate, part_impact, part_audience, part_discount,
    raw_reach, raw_engagement, raw_rate, raw_impact, raw_audience, raw_discount, fingerprint
from published.scores
where logical_date = (select max(logical_date) from published.nights where logical_date < $logical_date)
