-- Back to the defaults once the score state is done with (the connection goes on to the model, the candidate rows
-- and sometimes other steps). The state's temp tables are dropped: the features were read out of them, and at 10M
-- accounts they held GBs of the process's memory through the rest of the score step, where its peak is
-- (clout/score/score.py window_frame then hands DuckDB's memory back: clout.core.warehouse.release_memory).
drop table if exists temp.score_accounts_after;
drop table if exists temp.score_bursts;
drop table if exists temp.score_codes;
drop table if exists temp.score_delta_accounts;
drop table if exists temp.score_delta_pairs;
drop table if exists temp.score_excluded;
drop table if exists temp.score_features;
drop table if exists temp.score_impact_named;
drop table if exists temp.score_named_accounts;
drop table if exists temp.score_pairs_before;
drop table if exists temp.score_profile;
drop table if exists temp.score_received_delta;
drop table if exists temp.score_touched;
drop table if exists temp.score_touched_mutual;
reset memory_limit;
