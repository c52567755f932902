insert into meta.runs (run_id, logical_date, algorithm_version, fingerprint, started_at, status, timings)
values ($run_id, $logical_date, $algorithm_version, $fingerprint, now(), 'running', '{}');
