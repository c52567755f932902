-- Accounts that newly landed identity links tie to a person who opted out as a whole: they are that person's
-- too, so they join the opt-out. Grain: one row per opt-out and network account.
with person_optouts as (
    select optout_id, subject_key from meta.optouts where subject_kind = 'person'
),

final as (
    select distinct o.optout_id, l.network, l.account_id, l.person_id
    from staging.identity_links as l
    inner join person_optouts as o
        on o.subject_key = 'anon-' || left(sha256($secret || ':person:' || l.person_id), 16)
    where l.source_file_id in (select file_id from unchecked_files)
)

select * from final
