-- Whether the live run of $logical_date was scored from inputs with digest $inputs_digest by another algorithm than
-- $fingerprint: the gate's shadow run then reads its rows (audit/same_inputs_run.sql), so the candidate keeps no
-- features for it. One row: true or false.
select count(*) > 0
from published.nights as n
inner join meta.runs as r on r.run_id = n.run_id
inner join meta.run_inputs as i on i.run_id = n.run_id
where n.logical_date = $logical_date and i.inputs_digest = $inputs_digest and r.fingerprint <> $fingerprint
