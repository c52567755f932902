-- The score state's chains that hold an erased account (read by its id, before the id columns' deletes remove its
-- row): their pairs, journals and PageRank vectors name it by its integer code, which no id column reaches.
-- Grain: one row per chain.
create or replace temp table erased_chains as
select distinct a.chain_id
from state.score_accounts as a
join erase_tokens as e on lower(a.account_id) = e.token and a.network = e.network
