-- Remember that the registry was applied to these files, so the next landing checks only new ones (a search of
-- every file, after a crash, meets files checked before).
insert into meta.consent_checked_files
select file_id, now() from unchecked_files
where file_id not in (select file_id from meta.consent_checked_files);
