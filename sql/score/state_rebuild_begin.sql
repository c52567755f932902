-- A rebuild reads the whole window: its joins of every engagement row to the accounts' codes hold a hash table
-- of all the window's accounts (at 10M accounts over 0.5 GB each, with a 256 MB directory) beside the aggregation
-- of a part of the pairs, past the nightly limit of state_begin.sql. It gets twice that; state_begin.sql sets the
-- nightly limit back after it.
set memory_limit = '8GB';
