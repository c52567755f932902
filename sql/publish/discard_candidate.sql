-- Discard a rejected run's candidate rows and its shadow run's; `{table}` comes from clout.published_tables.
-- Never a live run's (the published tables are views over them): the caller rejects only runs that are not live,
-- and this says so again in SQL.
delete from candidate.{table}
where (run_id = $run_id or run_id = $run_id || '-shadow')
  and run_id not in (select run_id from published.nights);
