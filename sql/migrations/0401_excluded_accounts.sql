-- staging.excluded_accounts: one row per network account that must not be scored or count for anyone, and
-- why. The score stage drops these accounts from every input frame (clout.consent.filters), so their
-- interactions count for nobody. Excluded on a logical date d when excluded_until is null or d < excluded_until.
--   opted out: the pseudonym that replaced them (their own rows are erased; mentions of them remain, renamed);
--   minor:     under 16 by a birth date an export gave (until their 16th birthday), or flagged as a minor in
--              an identity file (no end); a minor's other linked accounts are excluded with them.
create view staging.excluded_accounts as
with opted_out as (
    select network, account_key as account_id, 'opted out' as reason, cast(null as date) as excluded_until
    from meta.optout_accounts
),

minor_by_birth_date as (
    select network, account_id, cast(max(birth_date) + interval 16 year as date) as excluded_until
    from staging.accounts
    where birth_date is not null
    group by network, account_id
),

minor_people as (
    select l.person_id, max(b.excluded_until) as excluded_until
    from staging.identity_links as l
    inner join minor_by_birth_date as b on b.network = l.network and b.account_id = l.account_id
    group by l.person_id
    union all
    select distinct person_id, cast(null as date) as excluded_until
    from staging.identity_links
    where is_minor
),

minors as (
    select network, account_id, excluded_until from minor_by_birth_date
    union all
    select l.network, l.account_id, p.excluded_until
    from staging.identity_links as l
    inner join minor_people as p on p.person_id = l.person_id
),

final as (
    select * from opted_out
    union all
    select network, account_id, 'minor' as reason,
           -- no end date (a flag) wins over a birthday
           case when bool_or(excluded_until is null) then null else max(excluded_until) end as excluded_until
    from minors
    group by network, account_id
)

select * from final;
