-- A fingerprint of the excluded accounts (temp table score_excluded): the state left exactly these out.
select count(*) || ':' || coalesce(sum(hash(network, account_id)), 0) as excluded_hash
from score_excluded
