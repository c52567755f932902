-- The landed accounts an erasure target names: staging.accounts rows whose id or handle (lower case) is one of the
-- target's values. Grain: one row per account id, handle and display name.
select distinct account_id, handle, display_name
from staging.accounts
where network = $network
  and (list_contains($ids, account_id) or list_contains($handles, lower(handle)))
