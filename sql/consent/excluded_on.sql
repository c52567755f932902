-- Accounts excluded from scoring on one logical date (opted out, or a minor on that date).
-- Grain: one row per network and account.
select distinct network, account_id
from staging.excluded_accounts
where excluded_until is null or cast($logical_date as date) < excluded_until
