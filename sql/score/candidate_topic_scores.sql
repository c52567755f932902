-- candidate.topic_scores for one run: one row per network account and topic (frame `topics`).
delete from candidate.topic_scores where run_id = $run_id;

insert into candidate.topic_scores by name
select
    *,
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    $algorithm_version as algorithm_version,
    $fingerprint as fingerprint
from topics;
