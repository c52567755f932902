-- Reject a held run (after publish/log_action); the caller discards its candidate rows (publish/discard_candidate).
update meta.runs set status = 'rejected', message = 'rejected: ' || $reason where run_id = $run_id;
