-- Replace one published table's rows for the run's logical date with the run's candidate rows.
-- `{table}` comes from clout.published_tables; runs inside the caller's publish transaction.
delete from published.{table}
where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.{table}
select * exclude (run_id) from candidate.{table} where run_id = $run_id;
