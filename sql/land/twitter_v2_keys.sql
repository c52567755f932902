-- Top-level keys of the block's tweets and users (to find fields clout does not know yet).
select distinct entity, unnest(json_keys(item)) as field
from v2_numbered
where entity in ('post', 'account')
