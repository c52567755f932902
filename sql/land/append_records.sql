-- One batch of a file's records (registered as `batch_records`), kept as delivered.
insert into raw.records
select $file_id as file_id, record_no, location, entity, network, account_ids, payload from batch_records
