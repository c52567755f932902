-- Landed files the opt-out registry has not been applied to yet (registered as temp table unchecked_files).
create or replace temp table unchecked_files as
select f.file_id
from raw.files as f
anti join meta.consent_checked_files as c on c.file_id = f.file_id;
