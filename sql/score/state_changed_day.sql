-- The earliest day a chain's state holds (from date_from on) whose marts rows changed since it was applied,
-- or null: one row.
select min(s.activity_date) as changed
from state.score_days as s
left join marts.day_checksums as m using (activity_date)
where s.chain_id = $chain_id and s.activity_date >= $date_from
  and (m.checksum is null or m.checksum <> s.checksum)
