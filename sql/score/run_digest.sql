-- What run $run_id's scores were made from (meta.run_inputs): zero or one row.
select inputs_digest from meta.run_inputs where run_id = $run_id
