-- Set one run's status (rolled_back, rejected), with why.
update meta.runs set status = $status, message = coalesce($message, message) where run_id = $run_id;
