-- Runs whose report is never pruned (one row per run): held runs (waiting for a review) and the live runs.
select run_id from meta.runs where status = 'held'
union
select run_id from published.nights
