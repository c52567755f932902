-- Publish one run's candidate night: runs inside one transaction opened by the caller, so a reader
-- of published.* sees either the night before or the whole new night, never a mix.
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

delete from published.scores where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.scores
select logical_date, network, account_id, score, raw_score, reactions, distinct_reactors,
       algorithm_version, fingerprint
from candidate.scores
where run_id = $run_id;

delete from published.nights where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.nights
select logical_date, run_id, now() from meta.runs where run_id = $run_id;

update meta.runs set status = 'published' where run_id = $run_id;
