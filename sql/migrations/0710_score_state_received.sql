-- Per-account sums over the pairs kept with the score state (docs/state.md "Per-target sums kept"): what each night
-- used to recompute from every pair of the window is now updated from the pairs the night touched. Appended to
-- state.score_accounts (and its journal, so an undo restores them):
--   targets_n      pairs with this account as actor (the reactor's distinct targets)
--   reactors_n     pairs with this account as target (0 = nobody reacts to it)
--   distinct_in_s  sum over the pairs to it of E(last_day): distinct reactors, recency-weighted, x E(night)
--   mutual_in_s    sum over the mutual pairs to it of reactions_s: the reciprocated part of its reactions
-- The pair journal keeps each pair's mutual flag as it was, so a night can take off what a pair counted.
-- Existing states lack the sums: every chain is rebuilt on its next night.
alter table state.score_accounts add column targets_n bigint not null default 0;
alter table state.score_accounts add column reactors_n bigint not null default 0;
alter table state.score_accounts add column distinct_in_s hugeint not null default 0;
alter table state.score_accounts add column mutual_in_s hugeint not null default 0;
alter table state.score_account_journal add column targets_n bigint;
alter table state.score_account_journal add column reactors_n bigint;
alter table state.score_account_journal add column distinct_in_s hugeint;
alter table state.score_account_journal add column mutual_in_s hugeint;
alter table state.score_pair_journal add column mutual boolean;
update meta.score_chains set state_date = null;
