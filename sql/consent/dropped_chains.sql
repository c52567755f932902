-- Whether an erasure dropped chains of the score state (clout.consent.erase._erase_state logs their rows as
-- meta.score_chains deleted): then PageRank's kept edges, which hold the chains' codes, go too.
select count(*) > 0 as dropped
from meta.erasure_log
where erasure_id = $erasure_id and table_name = 'meta.score_chains' and action = 'deleted'
