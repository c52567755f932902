-- score_excluded (temp): the accounts left out of the score state on a logical date, opted out or minors; their
-- reactions count for nobody. One row per network account.
create or replace temp table score_excluded as
select network, account_id
from staging.excluded_accounts
where excluded_until is null or cast($logical_date as date) < excluded_until
union
select network, account_id
from staging.identity_links
where is_minor;
