-- The night a run's change is measured against (sql/score/previous_night.sql: its run and date): one row per network
-- account, with its parts (points and raw values) and the fingerprint of the algorithm that scored it. Read from
-- the run's candidate rows, which are what published.scores shows of a published night, and are a backfill's own
-- night before it is promoted.
select network, account_id, score, part_reach, part_engagement, part_rate, part_impact, part_audience, part_discount,
    raw_reach, raw_engagement, raw_rate, raw_impact, raw_audience, raw_discount, fingerprint
from candidate.scores
where run_id = $previous_run_id and logical_date = $previous_date
