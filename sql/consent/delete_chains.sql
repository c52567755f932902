-- Delete {table}'s rows of the chains in erased_chains (the whole state of each, its meta.score_chains row too).
delete from {table} where chain_id in (select chain_id from erased_chains)
