-- DuckDB's worker threads for what follows (a global setting: the caller puts the old value back).
set threads = $threads;
