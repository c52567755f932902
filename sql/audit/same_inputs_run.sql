-- The live run of $logical_date, if it was scored with $fingerprint from the same inputs as run $run_id
-- (meta.run_inputs): its rows are what a shadow run of that algorithm would score. Zero or one row.
select n.run_id
from published.nights as n
inner join meta.runs as r on r.run_id = n.run_id
inner join meta.run_inputs as theirs on theirs.run_id = n.run_id
inner join meta.run_inputs as mine on mine.run_id = $run_id
where n.logical_date = $logical_date
  and r.fingerprint = $fingerprint
  and theirs.inputs_digest = mine.inputs_digest
