-- candidate.scores for one run: replace the run's rows with the scored frame (registered as `scored`).
delete from candidate.scores where run_id = $run_id;

insert into candidate.scores
select
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    network,
    account_id,
    score,
    raw_score,
    reactions,
    distinct_reactors,
    $algorithm_version as algorithm_version,
    $fingerprint as fingerprint
from scored;
