-- published.nights: one row per published logical date: which run is live for it.
create table published.nights (
    logical_date   date primary key,
    run_id         varchar not null,
    published_at   timestamp not null
);

-- published.scores: one row per published logical date, network and account (the score history).
create table published.scores (
    logical_date       date not null,
    network            varchar not null,
    account_id         varchar not null,
    score              integer not null,
    raw_score          double not null,
    reactions          double not null,
    distinct_reactors  integer not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);

-- published.current_scores: the latest published night only.
create view published.current_scores as
select s.*
from published.scores as s
where s.logical_date = (select max(logical_date) from published.nights);
