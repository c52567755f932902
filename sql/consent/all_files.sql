-- Every landed file, as the files to search for registered accounts (registered as temp table unchecked_files).
create or replace temp table unchecked_files as
select file_id from raw.files
