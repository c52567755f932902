-- Whether run $reused_run_id was scored with $fingerprint for $logical_date from the same inputs as run $run_id
-- (meta.run_inputs): its rows are then what a shadow run of that algorithm would score. Zero or one row.
select r.run_id
from meta.runs as r
inner join meta.run_inputs as mine on mine.run_id = $run_id
inner join meta.run_inputs as theirs on theirs.run_id = r.run_id
where r.run_id = $reused_run_id
  and r.logical_date = $logical_date
  and r.fingerprint = $fingerprint
  and theirs.inputs_digest = mine.inputs_digest
