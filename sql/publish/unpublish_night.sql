-- Roll back a night that had no earlier live run: log it, and take the date out of published.nights (the published
-- tables are views over the nights it names: the date's rows leave them with it; its run keeps its candidate rows).
insert into meta.publish_log
select
    nextval('meta.publish_id_seq') as publish_id,
    'rollback' as action,
    null as run_id,
    n.logical_date,
    n.run_id as previous_run_id,
    null as algorithm_version,
    null as fingerprint,
    null as outcome,
    $actor as actor,
    $reason as reason,
    now() as published_at
from published.nights as n
where n.logical_date = $logical_date;

delete from published.nights where logical_date = $logical_date;
