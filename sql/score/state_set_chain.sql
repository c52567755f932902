-- Record what a chain's state now is: the night it is for, its epoch, its exclusions, its last rebuild.
update meta.score_chains
set epoch = $epoch, state_date = $state_date, excluded_hash = $excluded_hash, rebuilt_on = $rebuilt_on,
    updated_at = now()
where chain_id = $chain_id;
