-- Whether one line of a landed file was quarantined (as a whole line, or an item of it: `line N $.data[3]`).
select 1
from raw.quarantine
where file_id = $file_id
  and (location = 'line ' || $line or starts_with(location, 'line ' || $line || ' '))
limit 1
