-- People that newly landed files (unchecked_files) mark as minors, any of whose linked accounts was already scored:
-- candidate rows (which the published views read) from before the flag arrived. A minor is never scored or
-- published, so they are opted out on their behalf (clout.consent.filters). Only the new files' flags are read, so
-- a landing without one costs nothing here. Grain: one row per person.
with flagged as (
    select distinct person_id
    from staging.identity_links
    where is_minor and source_file_id in (select file_id from unchecked_files)
)

select distinct f.person_id
from flagged as f
inner join staging.identity_links as l using (person_id)
where exists (select 1 from candidate.scores as c where c.network = l.network and c.account_id = l.account_id)
order by 1
