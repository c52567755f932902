-- The run report's top risers and fallers (registered as report_movers_rows). Grain: one row per side and rank.
insert into meta.report_movers
select $run_id as run_id, side, rank, network, account_id, "before", "after", change, data_part, algorithm_part,
       explanation
from report_movers_rows
