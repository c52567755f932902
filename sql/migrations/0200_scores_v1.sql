-- Algorithm v1 (issue 4): score parts and changes on every score row, person and topic scores, and the
-- per-day post marts that topic influence reads. candidate.<t> and published.<t> get the same columns in the
-- same order (published = candidate minus run_id), so publish/switch_table copies them as they are.

-- Parts (points; they add up to score - 1), unknown parts, graph features, and the change since the last
-- published night with its parts.
alter table candidate.scores add column part_reach double;
alter table candidate.scores add column part_engagement double;
alter table candidate.scores add column part_rate double;
alter table candidate.scores add column part_impact double;
alter table candidate.scores add column part_audience double;
alter table candidate.scores add column part_discount double;
alter table candidate.scores add column unknown_parts varchar;
alter table candidate.scores add column posts double;
alter table candidate.scores add column effective_reactors double;
alter table candidate.scores add column network_impact double;
alter table candidate.scores add column ring_share double;
alter table candidate.scores add column bought_share double;
alter table candidate.scores add column previous_score integer;
alter table candidate.scores add column change integer;
alter table candidate.scores add column change_reach double;
alter table candidate.scores add column change_engagement double;
alter table candidate.scores add column change_rate double;
alter table candidate.scores add column change_impact double;
alter table candidate.scores add column change_audience double;
alter table candidate.scores add column change_discount double;
alter table candidate.scores add column change_explained varchar;

alter table published.scores add column part_reach double;
alter table published.scores add column part_engagement double;
alter table published.scores add column part_rate double;
alter table published.scores add column part_impact double;
alter table published.scores add column part_audience double;
alter table published.scores add column part_discount double;
alter table published.scores add column unknown_parts varchar;
alter table published.scores add column posts double;
alter table published.scores add column effective_reactors double;
alter table published.scores add column network_impact double;
alter table published.scores add column ring_share double;
alter table published.scores add column bought_share double;
alter table published.scores add column previous_score integer;
alter table published.scores add column change integer;
alter table published.scores add column change_reach double;
alter table published.scores add column change_engagement double;
alter table published.scores add column change_rate double;
alter table published.scores add column change_impact double;
alter table published.scores add column change_audience double;
alter table published.scores add column change_discount double;
alter table published.scores add column change_explained varchar;

-- candidate.person_scores: one row per run and person (linked accounts combined; an unlinked account is a person).
create table candidate.person_scores (
    run_id             varchar not null,
    logical_date       date not null,
    person_id          varchar not null,
    score              integer not null,
    raw_score          double not null,
    networks           integer not null,
    best_network       varchar not null,
    best_account_id    varchar not null,
    previous_score     integer,
    change             integer,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);

create table published.person_scores (
    logical_date       date not null,
    person_id          varchar not null,
    score              integer not null,
    raw_score          double not null,
    networks           integer not null,
    best_network       varchar not null,
    best_account_id    varchar not null,
    previous_score     integer,
    change             integer,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);

-- candidate.topic_scores: one row per run, network account and topic it is influential on (evidence rule met
-- directly, or rolled up from a child topic).
create table candidate.topic_scores (
    run_id             varchar not null,
    logical_date       date not null,
    network            varchar not null,
    account_id         varchar not null,
    topic_id           varchar not null,
    topic_slug         varchar,
    topic_name         varchar,
    rank               integer not null,
    share              double not null,
    topic_score        double not null,
    posts              integer not null,
    days               integer not null,
    distinct_reactors  integer not null,
    direct             boolean not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);

create table published.topic_scores (
    logical_date       date not null,
    network            varchar not null,
    account_id         varchar not null,
    topic_id           varchar not null,
    topic_slug         varchar,
    topic_name         varchar,
    rank               integer not null,
    share              double not null,
    topic_score        double not null,
    posts              integer not null,
    days               integer not null,
    distinct_reactors  integer not null,
    direct             boolean not null,
    algorithm_version  varchar not null,
    fingerprint        varchar not null
);

-- marts.post_daily: one row per network post, on the day it was posted, with its reactions.
create table marts.post_daily (
    network        varchar not null,
    post_id        varchar not null,
    author_id      varchar not null,
    activity_date  date not null,
    reactions      bigint not null,
    reactor_bound  bigint not null   -- lower bound of its distinct reactors from its counters (likes, reposts)
);

-- marts.post_reactors: one row per network post and account that reacted to it, on the day of the reaction.
create table marts.post_reactors (
    network        varchar not null,
    post_id        varchar not null,
    author_id      varchar not null,
    actor_id       varchar not null,
    activity_date  date not null
);

-- marts.post_topics: one row per network post and Klout topic its hashtags or words match.
create table marts.post_topics (
    network        varchar not null,
    post_id        varchar not null,
    author_id      varchar not null,
    activity_date  date not null,
    topic_id       varchar not null,
    source         varchar not null  -- hashtag | keyword
);
