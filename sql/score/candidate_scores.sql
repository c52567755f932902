-- candidate.scores for one run: one row per network account (frame `scored`); replaces the run's rows.
delete from candidate.scores where run_id = $run_id;

insert into candidate.scores by name
select
    *,
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    $algorithm_version as algorithm_version,
    $fingerprint as fingerprint
from scored;
