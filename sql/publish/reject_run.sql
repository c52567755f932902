-- Reject a held run: log who and why; the caller discards its candidate rows (publish/discard_candidate).
insert into meta.publish_log
select
    nextval('meta.publish_id_seq') as publish_id,
    'reject' as action,
    r.run_id,
    r.logical_date,
    (select run_id from published.nights where logical_date = r.logical_date) as previous_run_id,
    r.algorithm_version,
    r.fingerprint,
    r.outcome,
    $actor as actor,
    $reason as reason,
    now() as published_at
from meta.runs as r
where r.run_id = $run_id;

update meta.runs set status = 'rejected', message = 'rejected: ' || $reason where run_id = $run_id;
