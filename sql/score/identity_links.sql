-- Linked accounts of adult people: one row per person and network account.
select person_id, network, account_id
from staging.identity_links
where not is_minor
