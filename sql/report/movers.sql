-- The accounts a run report names, as they are now (an erased account's rows are gone). Grain: one row per side
-- and rank.
select side, rank, network, account_id, "before", "after", change, data_part, algorithm_part, explanation
from meta.report_movers
where run_id = $run_id
order by side, rank
