-- Integer account codes in the score state (docs/state.md "Account codes"): the pairs are keyed by two integers,
-- not two strings, so the nightly scans of every pair (journal, merge, mutual flags, PageRank's edges) hash and
-- compare integers, and PageRank's edge list needs no join. A code is an account's number within its chain, given
-- when the chain first sees it and kept while the chain lives (a rebuild numbers the accounts again).
-- Existing states are keyed by strings: every chain is rebuilt on its next night.
drop table state.score_pairs;
drop table state.score_pair_journal;
drop table state.score_impact;
delete from state.score_accounts;
delete from state.score_account_journal;
delete from state.score_days;
update meta.score_chains set state_date = null;

-- state.score_accounts.code: the account's code in its chain (unique per chain).
alter table state.score_accounts add column code integer not null default 0;
alter table state.score_account_journal add column code integer;

-- state.score_pairs: one row per chain, actor and target (codes of state.score_accounts, so of one network) with
-- at least one reaction in the window ending on the chain's state date (excluded accounts left out).
create table state.score_pairs (
    chain_id     integer not null,
    actor        integer not null,  -- the reacting account's code
    target       integer not null,  -- the code of the account reacted to
    reactions_s  hugeint not null,  -- sum over the window of reactions x E(day)
    days         integer not null,  -- days of the window with a reaction (0 = the pair left the window)
    last_day     date not null,     -- the latest of those days
    last_s       hugeint not null,  -- E(last_day): the pair's recency x E(night)
    mutual       boolean not null   -- the reverse pair is in the state too
);

-- state.score_pair_journal: one row per chain, night and pair the night changed: the pair as it was before
-- (existed = false: there was none). Undoing the night restores them. Kept for the last few nights.
create table state.score_pair_journal (
    chain_id     integer not null,
    night        date not null,
    actor        integer not null,
    target       integer not null,
    existed      boolean not null,
    reactions_s  hugeint,
    days         integer,
    last_day     date,
    last_s       hugeint,
    mutual       boolean
);

-- state.score_impact: one row per chain, night and account code: the night's PageRank vector (sums to 1 per
-- network), the next night's starting point. Kept for the last few nights.
create table state.score_impact (
    chain_id    integer not null,
    night       date not null,
    code        integer not null,
    rank        double not null
);
