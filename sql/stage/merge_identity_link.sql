-- staging.identity_links: one row per person and linked network account; the newest file's is_minor wins.
create or replace temp table land_identity_link_newest as
with ranked as (
    select *, row_number() over (partition by person_id, network, account_id order by record_no desc) as rn
    from land_identity_link
),

this_file as (
    select * exclude (rn) from ranked where rn = 1
),

known as (
    -- the keys of this file that staging already holds (a semi join, not `not exists`: see merge_post.sql)
    select distinct i.person_id, i.network, i.account_id
    from staging.identity_links as i
    semi join this_file as r on i.person_id = r.person_id and i.network = r.network and i.account_id = r.account_id
),

final as (
    select r.*, k.account_id is null as is_new
    from this_file as r
    left join known as k on k.person_id = r.person_id and k.network = r.network and k.account_id = r.account_id
)

select * from final;

update staging.identity_links as i set is_minor = n.is_minor, source_file_id = $file_id
from land_identity_link_newest as n
where i.person_id = n.person_id and i.network = n.network and i.account_id = n.account_id and not n.is_new;

insert into staging.identity_links (person_id, network, account_id, is_minor, source_file_id)
select person_id, network, account_id, is_minor, $file_id
from land_identity_link_newest
where is_new;
