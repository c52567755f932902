-- Settings while range_swing.sql runs over a whole range (bench.range_gate; the range's gate itself adds up each
-- night's kept sums instead): it joins every night of the range with the published history (90 nights of 1M
-- accounts: 90M rows a side). DuckDB spills past this limit (the warehouse's .tmp folder) instead of growing to most
-- of the machine's memory (18 GB at 1M accounts without it).
set memory_limit = '4GB';
