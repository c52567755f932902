-- Fields a format has never shown before (registered as `seen_fields`): recorded once, returned to report.
insert into raw.unknown_fields (format, field, first_file_id)
select distinct $format, s.field, $file_id
from seen_fields as s
where not exists (select 1 from raw.unknown_fields as u where u.format = $format and u.field = s.field)
returning field
