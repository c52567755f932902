-- Top-level keys of the block's tweets and users (to find fields clout does not know yet).
select distinct entity, unnest(json_keys(payload)) as field
from v2_rows
where entity in ('post', 'account')
