-- One batch of a file's quarantined records (registered as `batch_quarantine`), with reason and raw text.
insert into raw.quarantine
select $file_id as file_id, record_no, location, reason, raw_text, account_ids from batch_quarantine
