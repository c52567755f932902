-- An erasure's files are rewritten: count them (rows_changed stays the sum of its meta.erasure_log rows), and
-- leave it waiting only for the next compaction.
update meta.erasures
set partitions_rewritten = partitions_rewritten + $partitions, rows_changed = rows_changed + $files,
    seconds = seconds + $seconds
where erasure_id = $erasure_id;
update meta.pending_erasures set step = 'compact' where erasure_id = $erasure_id
