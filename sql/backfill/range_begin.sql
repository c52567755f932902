-- Settings while a backfill's range is gated as a whole: its queries join every night of the range with the
-- published history (90 nights of 1M accounts: 90M rows a side). DuckDB spills past this limit (the warehouse's
-- .tmp folder) instead of growing to most of the machine's memory (18 GB at 1M accounts without it).
set memory_limit = '4GB';
