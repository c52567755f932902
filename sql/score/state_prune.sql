-- Drop what a chain no longer needs: journals of nights before keep_from (those nights can no longer be undone),
-- and checksums of days that left its window before them.
delete from state.score_pair_journal where chain_id = $chain_id and night < $keep_from;
delete from state.score_account_journal where chain_id = $chain_id and night < $keep_from;
update state.score_days set undoable = false where chain_id = $chain_id and activity_date < $keep_from;
delete from state.score_days where chain_id = $chain_id and activity_date < $days_from;
