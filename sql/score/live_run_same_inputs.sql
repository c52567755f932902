-- The live run of $logical_date and its algorithm's fingerprint, if its scores were made from inputs with digest
-- $inputs_digest (meta.run_inputs): zero or one row. Its rows are what that algorithm scores from those inputs.
select n.run_id, r.fingerprint
from published.nights as n
inner join meta.runs as r on r.run_id = n.run_id
inner join meta.run_inputs as i on i.run_id = n.run_id
where n.logical_date = $logical_date and i.inputs_digest = $inputs_digest
