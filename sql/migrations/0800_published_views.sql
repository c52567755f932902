-- Publishing without copying (issue 14, docs/state.md "Costs"): published.scores, published.person_scores and
-- published.topic_scores become views over the live runs' candidate rows (the run published.nights names for each
-- night), so a publish switches one row of published.nights instead of copying the night. A rollback makes the
-- previous run's candidate rows live again the same way.
--
-- Before the tables go, every row they hold is made to live in candidate.* under its night's live run, so the
-- views show exactly what the tables held and nothing is lost:
--   - a live night whose run's candidate rows are the same rows as its published ones (the usual case): kept. Same
--     rows: the same count and the same sum of row hashes (a multiset fingerprint: one scan of each side, where
--     comparing the rows themselves took 21 s at 1M accounts and three nights);
--   - a live night whose run's candidate rows differ from its published ones (gone: deleted by hand; or the run
--     scored again after its publish): the run's candidate rows, if any, are set aside under
--     run_id || '-set-aside' (a run id nothing publishes), and the published rows are copied in under the run id;
--   - published rows of a date no live run names (clout never leaves these: a rollback removes the night's rows
--     with it): copied in under 'unlisted-<date>', never live.
-- The views' definitions are code, run again on every writable connection: sql/published/live_table.sql.

-- published.scores
create temp table differs_0800 as
with published_nights as (
    select p.logical_date, count(*) as n, sum(hash(p)) as h
    from published.scores as p
    group by all
),

live_nights as (
    select r.logical_date, count(*) as n, sum(hash(r)) as h
    from (
        select c.* exclude (run_id)
        from candidate.scores as c
        inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date
    ) as r
    group by all
)

select n.logical_date, n.run_id
from published.nights as n
left join published_nights as p on n.logical_date = p.logical_date
left join live_nights as l on n.logical_date = l.logical_date
where p.n is distinct from l.n or p.h is distinct from l.h;

update candidate.scores set run_id = run_id || '-set-aside' where run_id in (select run_id from differs_0800);

insert into candidate.scores
select d.run_id, p.*
from published.scores as p
inner join differs_0800 as d on p.logical_date = d.logical_date;

insert into candidate.scores
select 'unlisted-' || strftime(p.logical_date, '%Y-%m-%d'), p.*
from published.scores as p
where p.logical_date not in (select logical_date from published.nights);

drop table differs_0800;

-- published.person_scores
create temp table differs_0800 as
with published_nights as (
    select p.logical_date, count(*) as n, sum(hash(p)) as h
    from published.person_scores as p
    group by all
),

live_nights as (
    select r.logical_date, count(*) as n, sum(hash(r)) as h
    from (
        select c.* exclude (run_id)
        from candidate.person_scores as c
        inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date
    ) as r
    group by all
)

select n.logical_date, n.run_id
from published.nights as n
left join published_nights as p on n.logical_date = p.logical_date
left join live_nights as l on n.logical_date = l.logical_date
where p.n is distinct from l.n or p.h is distinct from l.h;

update candidate.person_scores set run_id = run_id || '-set-aside' where run_id in (select run_id from differs_0800);

insert into candidate.person_scores
select d.run_id, p.*
from published.person_scores as p
inner join differs_0800 as d on p.logical_date = d.logical_date;

insert into candidate.person_scores
select 'unlisted-' || strftime(p.logical_date, '%Y-%m-%d'), p.*
from published.person_scores as p
where p.logical_date not in (select logical_date from published.nights);

drop table differs_0800;

-- published.topic_scores
create temp table differs_0800 as
with published_nights as (
    select p.logical_date, count(*) as n, sum(hash(p)) as h
    from published.topic_scores as p
    group by all
),

live_nights as (
    select r.logical_date, count(*) as n, sum(hash(r)) as h
    from (
        select c.* exclude (run_id)
        from candidate.topic_scores as c
        inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date
    ) as r
    group by all
)

select n.logical_date, n.run_id
from published.nights as n
left join published_nights as p on n.logical_date = p.logical_date
left join live_nights as l on n.logical_date = l.logical_date
where p.n is distinct from l.n or p.h is distinct from l.h;

update candidate.topic_scores set run_id = run_id || '-set-aside' where run_id in (select run_id from differs_0800);

insert into candidate.topic_scores
select d.run_id, p.*
from published.topic_scores as p
inner join differs_0800 as d on p.logical_date = d.logical_date;

insert into candidate.topic_scores
select 'unlisted-' || strftime(p.logical_date, '%Y-%m-%d'), p.*
from published.topic_scores as p
where p.logical_date not in (select logical_date from published.nights);

drop table differs_0800;

-- The tables give way to views (the published.current_* views over them are created again on connect:
-- sql/published/views.sql).
drop table published.scores;
drop table published.person_scores;
drop table published.topic_scores;

create view published.scores as
select c.* exclude (run_id)
from candidate.scores as c
inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date;

create view published.person_scores as
select c.* exclude (run_id)
from candidate.person_scores as c
inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date;

create view published.topic_scores as
select c.* exclude (run_id)
from candidate.topic_scores as c
inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date;
