-- The night a run's change is measured against (sql/score/previous_night.sql: its run and date): one row per
-- person, from the run's candidate rows (what published.person_scores shows of a published night).
select person_id, score
from candidate.person_scores
where run_id = $previous_run_id and logical_date = $previous_date
