-- A shadow run: the night scored again with the last published algorithm, for attribution only.
-- status 'shadow' keeps it out of publishing and out of `clout runs`.
delete from meta.runs where run_id = $shadow_run_id;

insert into meta.runs (run_id, logical_date, algorithm_version, fingerprint, started_at, status, timings, message)
values ($shadow_run_id, $logical_date, $algorithm_version, $fingerprint, now(), 'shadow', '{}',
        'shadow of ' || $run_id || ': the last published algorithm on the same data; never published');
