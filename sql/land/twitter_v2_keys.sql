-- Top-level keys of the block's tweets and users that clout does not read (found while parsing the items).
select distinct entity, unnest(new_fields) as field
from v2_items
where entity in ('post', 'account')
