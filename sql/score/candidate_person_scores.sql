-- candidate.person_scores for one run: one row per person (frame `people`); replaces the run's rows.
delete from candidate.person_scores where run_id = $run_id;

insert into candidate.person_scores by name
select
    *,
    $run_id as run_id,
    cast($logical_date as date) as logical_date,
    $algorithm_version as algorithm_version,
    $fingerprint as fingerprint
from people;
