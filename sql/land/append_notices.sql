-- One batch of a file's stream notices (registered as `batch_notices`): raw.stream_notices.
insert into raw.stream_notices
select $file_id as file_id, record_no, location, network, kind, post_id, account_id, undelivered, payload
from batch_notices
