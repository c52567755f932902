-- Settings while the score state is brought forward and read: DuckDB spills its joins and aggregations over the
-- pairs to disk past this limit (the warehouse's .tmp folder), so memory does not grow with the window.
set memory_limit = '4GB';
set enable_progress_bar = false;
