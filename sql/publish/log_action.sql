-- Append one publish-log row for a run: publish, approve, backfill, rollback (to that run) or reject.
-- previous_run_id is the run live for the date before the action. Runs inside the caller's transaction.
insert into meta.publish_log
select
    nextval('meta.publish_id_seq') as publish_id,
    $action as action,
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
