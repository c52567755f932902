-- The score state chain of some feature settings, if any: one row.
select chain_id, features_key, epoch, state_date, excluded_hash, rebuilt_on
from meta.score_chains
where features_key = $features_key
