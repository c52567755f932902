-- Was this file landed before? The same bytes (sha256) and, for an export whose rows do not name its owner, the
-- same owner ($owner: null for exports whose rows name it). A file of such an export landed before migration 0830
-- has no owner recorded: it is this delivery when every one of its own records names $owner (a tweet's embedded
-- user or status, `... .tweet.user`, is not the export's own record). Two owners' identical follows lists never
-- pass that test: one owner would have to follow, or be followed by, itself.
select f.file_id
from raw.files as f
where f.sha256 = $sha256
  and (f.owner is not distinct from $owner
       or ($owner is not null and f.owner is null and (
            select bool_and(list_contains(r.account_ids, $owner))
            from raw.records as r
            where r.file_id = f.file_id and r.location not like '%.tweet.%')))
limit 1;
