-- A run no process holds any more (killed): it will never finish by itself. Its candidate rows stay for review;
-- the published nights are untouched. Run the date again to finish the night.
update meta.runs
set status = 'abandoned',
    message = coalesce(message || '; ', '') || 'abandoned: the process running it stopped without finishing '
              || '(killed?); nothing was published by it. Run the date again.',
    finished_at = now(),
    seconds = round(epoch(now()) - epoch(started_at), 3)
where run_id = $run_id and status = 'running'
