-- People an identity file marks as minors whose accounts were already scored: candidate rows (which the published
-- views read) from before the flag arrived. A minor is never scored or published, so they are opted out on their
-- behalf (clout.consent.land_guard). Grain: one row per person.
select distinct l.person_id
from staging.identity_links as l
where l.is_minor
  and exists (select 1 from candidate.scores as c where c.network = l.network and c.account_id = l.account_id)
order by 1
