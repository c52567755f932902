-- Incremental score state (issue 14; design in docs/state.md). A night's window features are computed from this
-- state, which each night updates from the new day and the day that leaves the window, instead of re-reading the
-- whole window. Sums are exact integers: a reaction on day x counts E(x) = 2^(53 + (x - epoch) / half_life), an
-- integer, so a decayed sum on night d is S / E(d), and S is the same whatever order or path built it.
create schema if not exists state;

-- meta.score_chains: one row per feature settings (clout.stages.score.features_key): the state those settings
-- keep, the night it is for, and what it was built with. Two algorithms with the same key share a chain.
create table meta.score_chains (
    chain_id       integer primary key,
    features_key   varchar not null unique,
    epoch          date,       -- E(x) is relative to it; a new epoch is a rebuild
    state_date     date,       -- the night the state is for; null = no state (the next night rebuilds it)
    excluded_hash  varchar,    -- the excluded accounts (opted out, minors) left out of the state
    rebuilt_on     date,       -- the last night built from the window's start (journals only reach back to it)
    updated_at     timestamp
);

-- state.score_pairs: one row per chain, network, actor and target with at least one reaction in the window ending
-- on the chain's state date (excluded accounts left out).
create table state.score_pairs (
    chain_id     integer not null,
    network      varchar not null,
    actor_id     varchar not null,
    target_id    varchar not null,
    reactions_s  hugeint not null,  -- sum over the window of reactions x E(day)
    days         integer not null,  -- days of the window with a reaction (0 = the pair left the window)
    last_day     date not null,     -- the latest of those days
    last_s       hugeint not null,  -- E(last_day): the pair's recency x E(night)
    mutual       boolean not null   -- the reverse pair is in the state too
);

-- state.score_accounts: one row per chain, network and account seen up to the chain's state date: its first
-- sighting (all history) and its window sums by kind (reactions received and sent, posts), x E(day).
create table state.score_accounts (
    chain_id            integer not null,
    network             varchar not null,
    account_id          varchar not null,
    first_seen          date,
    reposts_received_s  hugeint not null,
    quotes_received_s   hugeint not null,
    replies_received_s  hugeint not null,
    mentions_received_s hugeint not null,
    likes_received_s    hugeint not null,
    reposts_sent_s      hugeint not null,
    mentions_sent_s     hugeint not null,
    replies_sent_s      hugeint not null,
    posts_s             hugeint not null,
    posts_n             bigint not null   -- posts in the window (a network with none has no post data)
);

-- state.score_pair_journal / score_account_journal: one row per chain, night and key the night changed: the row as
-- it was before (existed = false: there was none). Undoing night n restores them, so a rerun of a night starts
-- from the state of the night before, exactly. Kept for the last few nights.
create table state.score_pair_journal (
    chain_id     integer not null,
    night        date not null,
    network      varchar not null,
    actor_id     varchar not null,
    target_id    varchar not null,
    existed      boolean not null,
    reactions_s  hugeint,
    days         integer,
    last_day     date,
    last_s       hugeint
);

create table state.score_account_journal (
    chain_id            integer not null,
    night               date not null,
    network             varchar not null,
    account_id          varchar not null,
    existed             boolean not null,
    first_seen          date,
    reposts_received_s  hugeint,
    quotes_received_s   hugeint,
    replies_received_s  hugeint,
    mentions_received_s hugeint,
    likes_received_s    hugeint,
    reposts_sent_s      hugeint,
    mentions_sent_s     hugeint,
    replies_sent_s      hugeint,
    posts_s             hugeint,
    posts_n             bigint
);

-- state.score_days: one row per chain and day whose marts rows the state holds (or held): the checksum of those
-- rows as applied, and whether the night that applied it can be undone (its journal is kept; not after a
-- rebuild). A day whose marts changed since (a rerun re-aggregated it) is undone and applied again.
create table state.score_days (
    chain_id       integer not null,
    activity_date  date not null,
    checksum       hugeint not null,
    undoable       boolean not null
);

-- state.score_impact: one row per chain, night and network account: the night's PageRank vector (sums to 1 per
-- network), the next night's starting point. Kept for the last few nights.
create table state.score_impact (
    chain_id    integer not null,
    night       date not null,
    network     varchar not null,
    account_id  varchar not null,
    rank        double not null
);

-- marts.day_checksums: one row per day the aggregate step wrote: a checksum of the day's engagement and post rows
-- (how the score state tells that a day it holds has changed).
create table marts.day_checksums (
    activity_date  date primary key,
    checksum       hugeint not null
);
