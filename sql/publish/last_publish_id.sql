-- The newest publish log entry (zero or one row): a snapshot showing a different one is stale.
select max(publish_id) as publish_id from meta.publish_log
