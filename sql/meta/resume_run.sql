-- A step begins on a run marked abandoned (an Airflow task retried after its process was killed): running again.
update meta.runs set status = 'running', finished_at = null, seconds = null
where run_id = $run_id and status = 'abandoned'
