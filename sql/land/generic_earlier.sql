-- Rows landed by earlier files on the days this generic file covers (zero: no duplicate can come from them).
select count(*) as n
from raw.generic_interactions
where file_id <> $file_id and event_date between $lo and $hi
