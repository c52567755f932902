-- A run no process holds any more (killed): it will never finish by itself. Its candidate rows stay for review;
-- the published nights are untouched. Run the date again to finish the night.
update meta.runs
set status = 'abandoned',
    message = coalesce(message || '; ', '') || 'abandoned: the process running it stopped without finishing '
              || '(killed?); nothing was published by it. Run the date again.',
    finished_at = now(),
    -- up to its last sign of life (its `running/` marker's last write, $last_seen), as `clout runs` showed it while
    -- it was stopped, not to whenever a later command noticed
    seconds = round(coalesce($last_seen, epoch(now())) - epoch(started_at), 3)
where run_id = $run_id and status = 'running'
