-- Remember that the registry was applied to these files, so the next landing checks only new ones.
insert into meta.consent_checked_files
select file_id, now() from unchecked_files;
