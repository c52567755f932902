-- What run $run_id's scores were made from (clout.score.score.inputs_digest); grain: one row per run.
insert or replace into meta.run_inputs (run_id, inputs_digest) values ($run_id, $inputs_digest);
