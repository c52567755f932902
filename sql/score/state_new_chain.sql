-- A new, empty score state chain for some feature settings.
insert into meta.score_chains (chain_id, features_key, updated_at)
select coalesce(max(chain_id), 0) + 1, $features_key, now() from meta.score_chains;
