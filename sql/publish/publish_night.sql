-- Switch the live run of the night (after publish/log_action); the caller then switches each table
-- (publish/switch_table) in the same transaction, so readers see the whole old or the whole new night.
delete from published.nights where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.nights
select logical_date, run_id, now() from meta.runs where run_id = $run_id;

update meta.runs set status = 'published' where run_id = $run_id;
