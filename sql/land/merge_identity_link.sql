-- staging.identity_links: one row per person and linked network account; the newest file's is_minor wins.
create or replace temp table land_identity_link_newest as
with ranked as (
    select *, row_number() over (partition by person_id, network, account_id order by record_no desc) as rn
    from land_identity_link
),

final as (
    select
        r.* exclude (rn),
        not exists (
            select 1 from staging.identity_links as i
            where i.person_id = r.person_id and i.network = r.network and i.account_id = r.account_id
        ) as is_new
    from ranked as r
    where r.rn = 1
)

select * from final;

update staging.identity_links as i set is_minor = n.is_minor, source_file_id = $file_id
from land_identity_link_newest as n
where i.person_id = n.person_id and i.network = n.network and i.account_id = n.account_id and not n.is_new;

insert into staging.identity_links (person_id, network, account_id, is_minor, source_file_id)
select person_id, network, account_id, is_minor, $file_id
from land_identity_link_newest
where is_new;
