-- The analyst's published views. The same file runs in the warehouse (clout.warehouse.connect) and in every
-- read-only snapshot catalog (clout.snapshot), so `clout sql` and the warehouse answer with the same names.
-- Columns are documented in data_contracts/published_views.yaml (docs/published_views.md is generated from it).

-- published.current_scores: one row per network and account, the latest published night.
create or replace view published.current_scores as
select s.*
from published.scores as s
where s.logical_date = (select max(logical_date) from published.nights);

-- published.current_person_scores: one row per person, the latest published night.
create or replace view published.current_person_scores as
select p.*
from published.person_scores as p
where p.logical_date = (select max(logical_date) from published.nights);

-- published.current_topics: one row per network, account and topic it is influential on, latest night.
create or replace view published.current_topics as
select t.*
from published.topic_scores as t
where t.logical_date = (select max(logical_date) from published.nights);

-- published.score_changes: one row per published night, network and account whose score moved, with causes.
create or replace view published.score_changes as
select
    logical_date, network, account_id, previous_score, score, change, change_explained,
    change_reach, change_engagement, change_rate, change_impact, change_audience, change_discount,
    algorithm_version
from published.scores
where change is not null and change <> 0;
