-- Record the publish and switch the live run of the night; the caller then switches each table
-- (publish/switch_table) in the same transaction, so readers see the whole old or the whole new night.
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

delete from published.nights where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.nights
select logical_date, run_id, now() from meta.runs where run_id = $run_id;

update meta.runs set status = 'published' where run_id = $run_id;
